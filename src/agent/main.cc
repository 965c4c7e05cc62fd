#include <exception>
#include <iostream>

#include "agent/agent_command.h"

int main(int argc, char** argv) {
  try {
    return provisio::agent::RunAgentProgram(argc, argv, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "provisio-agent: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "provisio-agent: internal error\n";
  }
  return 1;
}

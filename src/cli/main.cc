#include <exception>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/run.h"

int main(int argc, char** argv) {
  try {
    return provisio::cli::Run(argc, argv, std::cout, std::cerr);
  } catch (const std::exception& e) {
    // Library code returns Result, so getting here is a bug: say so plainly.
    std::cerr << "provisio: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "provisio: internal error\n";
  }
  return provisio::cli::kExitFailure;
}

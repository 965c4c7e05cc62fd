// `provisio-agent`: the device program around provisio::agent::Agent.
#pragma once

#include <ostream>

namespace provisio::agent {

// The whole program as a function (tests call it in-process). Exit codes:
// 0 ok, 1 could not do it (also: update rejected or rolled back), 2 bad
// command line.
int RunAgentProgram(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace provisio::agent

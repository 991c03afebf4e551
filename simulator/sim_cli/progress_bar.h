#pragma once
// A one-line progress bar on stderr, shown only once a run has taken more
// than a second (short runs stay quiet) and only on a terminal unless forced.

#include <chrono>
#include <string>

namespace lightpath::sim_cli {

class ProgressBar {
 public:
  enum class Mode { kAuto, kOn, kOff };
  ProgressBar(std::string label, Mode mode);
  ~ProgressBar();  // ends the line if one was drawn
  void update(double fraction);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace lightpath::sim_cli

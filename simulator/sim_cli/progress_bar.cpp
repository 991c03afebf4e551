#include "simulator/sim_cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace lightpath::sim_cli {

ProgressBar::ProgressBar(std::string label, Mode mode)
    : label_(std::move(label)),
      enabled_(mode == Mode::kOn || (mode == Mode::kAuto && isatty(STDERR_FILENO) == 1)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressBar::update(double fraction) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0) return;
  // Redrawing more often than ten times a second only costs time.
  if (drawn_ && fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  fraction = std::clamp(fraction, 0.0, 1.0);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %6.1f s", label_.c_str(), bar.c_str(),
               static_cast<int>(fraction * 100), elapsed);
  std::fflush(stderr);
}

}  // namespace lightpath::sim_cli

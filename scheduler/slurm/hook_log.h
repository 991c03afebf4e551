#pragma once
// Messages of one hook run. slurmctld drops a hook's stdout and stderr
// (Slurm 22.05: "Standard output and error messages are normally not
// preserved"), so each line also goes to the configured log file, with a
// time stamp, the job and the phase: what an operator greps for.

#include <string>

namespace lightpath::slurm {

class HookLog {
 public:
  HookLog(std::string phase, std::string log_file)
      : phase_(std::move(phase)), file_(std::move(log_file)) {}

  void set_job(std::string job_id) { job_ = std::move(job_id); }
  void set_file(std::string log_file) { file_ = std::move(log_file); }
  void info(const std::string& message) const { write("", message); }
  void error(const std::string& message) const { write("error: ", message); }

 private:
  void write(const char* level, const std::string& message) const;

  std::string phase_;
  std::string file_;
  std::string job_;
};

}  // namespace lightpath::slurm

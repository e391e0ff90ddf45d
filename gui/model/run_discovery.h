#pragma once
// Finding runs: a run is any folder holding a file named metrics.jsonl, at any depth below
// a root (the root itself included). Hidden folders (".git", ...) are not entered.
#include <string>
#include <vector>

namespace trit::monitor {

struct FoundRun {
  std::string dir;   // absolute, normalised path of the run folder
  std::string name;  // path relative to the parent of its root ("runs/a" for root "runs")
};

// Runs below each root, sorted by name; a root that does not exist yields nothing. Stops
// descending at `max_depth` levels below a root (keeps a wrongly chosen "/" bounded).
std::vector<FoundRun> find_runs(const std::vector<std::string>& roots, int max_depth = 8);

// Every folder that is watched for new runs: the roots and their non-hidden subfolders.
std::vector<std::string> folders_to_watch(const std::vector<std::string>& roots, int max_depth = 8);

}  // namespace trit::monitor

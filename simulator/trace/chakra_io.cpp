#include "simulator/trace/chakra_io.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lightpath::trace::chakra {
namespace {

namespace fs = std::filesystem;

// A varint of at most 5 bytes (Chakra writes 32-bit lengths); nullopt at a
// clean end of file, and `bad` set when the bytes are not a varint.
std::optional<std::uint64_t> read_varint(const std::string& data, std::size_t& pos, bool& bad) {
  if (pos >= data.size()) return std::nullopt;
  std::uint64_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos >= data.size()) break;
    const auto byte = static_cast<unsigned char>(data[pos++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  bad = true;
  return std::nullopt;
}

// "gpt.12.et" -> 12 when the name is PREFIX.<digits>.et.
std::optional<long> rank_of(const std::string& file_name, const std::string& prefix) {
  if (file_name.size() <= prefix.size() + 4 || file_name.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  if (file_name.compare(file_name.size() - 3, 3, ".et") != 0) return std::nullopt;
  const auto middle = file_name.substr(prefix.size(), file_name.size() - 3 - prefix.size());
  if (middle.size() < 2 || middle[0] != '.' || middle.size() > 10) return std::nullopt;
  if (!std::all_of(middle.begin() + 1, middle.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stol(middle.substr(1));
}

}  // namespace

Result<RankFile, std::string> read_rank_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(path + ": cannot open the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b)
    return unexpected(path + ": the file is gzip-compressed; gunzip it first");
  RankFile file;
  file.path = path;
  std::size_t pos = 0;
  bool first = true;
  while (true) {
    const std::size_t at = pos;
    bool bad = false;
    auto size = read_varint(data, pos, bad);
    if (bad) return unexpected(path + ": byte " + std::to_string(at) + ": not a message length");
    // End of file; a zero length also ends the stream, as in Chakra's reader.
    if (!size || *size == 0) break;
    if (*size > data.size() - pos)
      return unexpected(path + ": byte " + std::to_string(at) + ": a message of " +
                        std::to_string(*size) + " bytes runs past the end of the file");
    const auto body = std::string_view(data).substr(pos, *size);
    pos += *size;
    const bool parsed =
        first
            ? file.metadata.ParseFromArray(body.data(), static_cast<int>(body.size()))
            : file.nodes.emplace_back().ParseFromArray(body.data(), static_cast<int>(body.size()));
    if (!parsed)
      return unexpected(path + ": byte " + std::to_string(at) + ": not a Chakra " +
                        (first ? "GlobalMetadata" : "Node") + " message");
    first = false;
  }
  if (first) return unexpected(path + ": no GlobalMetadata message (empty file)");
  return file;
}

void write_message(std::ostream& out, const google::protobuf::MessageLite& message) {
  const std::string body = message.SerializeAsString();
  std::uint64_t n = body.size();
  do {
    unsigned char byte = n & 0x7f;
    n >>= 7;
    if (n) byte |= 0x80;
    out.put(static_cast<char>(byte));
  } while (n);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
}

Result<std::vector<std::string>, std::string> find_rank_files(const std::string& dir_or_prefix) {
  std::error_code ec;
  fs::path dir;
  std::string prefix;  // empty: any NAME, but one NAME for all files
  if (fs::is_directory(dir_or_prefix, ec)) {
    dir = dir_or_prefix;
  } else {
    const fs::path p(dir_or_prefix);
    dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    prefix = p.filename().string();
    if (prefix.empty() || !fs::is_directory(dir, ec))
      return unexpected(dir_or_prefix + ": neither a directory nor a path prefix of rank files");
  }
  std::map<long, std::string> by_rank;
  std::string name_seen;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto file_name = entry.path().filename().string();
    std::string name = prefix;
    if (name.empty()) {
      // NAME.<rank>.et: the name is everything before the rank.
      const auto end = file_name.rfind(".et");
      const auto dot =
          end == std::string::npos || end == 0 ? std::string::npos : file_name.rfind('.', end - 1);
      if (dot == std::string::npos) continue;
      name = file_name.substr(0, dot);
    }
    auto rank = rank_of(file_name, name);
    if (!rank) continue;
    if (!name_seen.empty() && name != name_seen)
      return unexpected(dir.string() + ": rank files of two traces ('" + name_seen + "' and '" +
                        name + "'); give the prefix of one");
    name_seen = name;
    by_rank[*rank] = entry.path().string();
  }
  if (ec) return unexpected(dir.string() + ": " + ec.message());
  if (by_rank.empty()) return unexpected(dir_or_prefix + ": no rank files (NAME.<rank>.et) found");
  std::vector<std::string> files;
  for (const auto& [rank, path] : by_rank) {
    if (rank != static_cast<long>(files.size()))
      return unexpected(dir_or_prefix + ": rank " + std::to_string(files.size()) +
                        " has no file (ranks must run 0.." + std::to_string(by_rank.size() - 1) +
                        ")");
    files.push_back(path);
  }
  return files;
}

std::optional<std::int64_t> int_attr(const Attributes& attrs, const std::string& name) {
  using A = ChakraProtoMsg::AttributeProto;
  for (const auto& a : attrs) {
    if (a.name() != name) continue;
    switch (a.value_case()) {
      case A::kInt32Val:
        return a.int32_val();
      case A::kInt64Val:
        return a.int64_val();
      case A::kUint32Val:
        return a.uint32_val();
      case A::kUint64Val:
        return static_cast<std::int64_t>(a.uint64_val());
      case A::kSint32Val:
        return a.sint32_val();
      case A::kSint64Val:
        return a.sint64_val();
      case A::kFixed32Val:
        return a.fixed32_val();
      case A::kFixed64Val:
        return static_cast<std::int64_t>(a.fixed64_val());
      case A::kSfixed32Val:
        return a.sfixed32_val();
      case A::kSfixed64Val:
        return a.sfixed64_val();
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::string> string_attr(const Attributes& attrs, const std::string& name) {
  for (const auto& a : attrs)
    if (a.name() == name && a.has_string_val()) return a.string_val();
  return std::nullopt;
}

}  // namespace lightpath::trace::chakra

#pragma once
// Chakra execution-trace files: one per rank, a sequence of messages each
// preceded by its length as a varint (Chakra's protolib encodeMessage /
// decodeMessage); the first message is a GlobalMetadata, the rest Nodes.

#include <chakra/et_def.pb.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "lightpath/result.h"

namespace lightpath::trace::chakra {

struct RankFile {
  std::string path;
  ChakraProtoMsg::GlobalMetadata metadata;
  std::vector<ChakraProtoMsg::Node> nodes;
};

// Reads one rank's file; the error is a sentence naming the byte offset.
Result<RankFile, std::string> read_rank_file(const std::string& path);

// Appends one length-prefixed message.
void write_message(std::ostream& out, const google::protobuf::MessageLite& message);

// The rank files of a trace: `dir_or_prefix` is a directory holding
// NAME.<rank>.et files, or the path prefix of such files ("out/gpt" for
// out/gpt.0.et ...). Ranks must run 0..n-1 without gaps.
Result<std::vector<std::string>, std::string> find_rank_files(const std::string& dir_or_prefix);

using Attributes = google::protobuf::RepeatedPtrField<ChakraProtoMsg::AttributeProto>;

// Integer value of an attribute, whichever integer field holds it (writers
// differ: int32, int64, uint64 ...).
std::optional<std::int64_t> int_attr(const Attributes& attrs, const std::string& name);
std::optional<std::string> string_attr(const Attributes& attrs, const std::string& name);

}  // namespace lightpath::trace::chakra

#pragma once
// The read-only web view's files (controller/rest/ui/), compiled into the
// daemon so that it serves them with no install step and no file lookups.

#include <optional>
#include <string_view>

namespace lightpath::rest {

struct UiAsset {
  std::string_view content_type;
  std::string_view body;
};

// The file served at /ui/{name}; "" is the page itself. nullopt for any other name.
std::optional<UiAsset> ui_asset(std::string_view name);

}  // namespace lightpath::rest

// Writes the event codec's seed corpus: one event of every type with every field set
// (tests/wire/samples.h), each as the fuzz_event_codec input that decodes it (the type's index,
// then the payload). Run by ops/fuzz: `event_seeds DIR SOURCE_DIR`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/wire/samples.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: event_seeds DIR SOURCE_DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  // The order of fuzz_event_codec's types: the engine's, the API tokens', the users'.
  auto types = ordo::wire::domain_type_names();
  types.push_back("TokenIssued");
  types.push_back("TokenRevoked");
  for (const auto& t : ordo::wire::user_type_names()) types.push_back(t);
  for (const auto& t : ordo::wire::session_type_names()) types.push_back(t);
  std::vector<ordo::wire::EventData> samples;
  for (const auto& event : ordo::wire::testing::populated_samples(argv[2]))
    samples.push_back(ordo::wire::encode(event));
  for (const auto& event : ordo::wire::testing::populated_access_samples())
    samples.push_back(ordo::wire::encode(event));
  for (const auto& event : ordo::wire::testing::populated_user_samples())
    samples.push_back(ordo::wire::encode(event));
  for (const auto& event : ordo::wire::testing::populated_session_samples())
    samples.push_back(ordo::wire::encode(event));
  int written = 0;
  for (const auto& data : samples) {
    const auto at = std::find(types.begin(), types.end(), data.type);
    if (at == types.end()) continue;
    std::ofstream out(dir / (data.type + "-" + std::to_string(written)), std::ios::binary);
    out.put(static_cast<char>(at - types.begin()));
    out << data.payload;
    ++written;
  }
  std::cout << "event_seeds: " << written << " events in " << dir.string() << "\n";
  return written > 0 ? 0 : 1;
}

// The server with TLS: it speaks HTTPS only, and an unusable certificate or key stops it with
// exit code 2 naming the file.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>

#include "tests/gateway/http_robustness_support.h"

namespace ordo::gateway::testing {
namespace {

struct SelfSigned {
  std::filesystem::path dir = temp_dir("ordo-tls");
  std::filesystem::path certificate = dir / "c.pem", key = dir / "k.pem";
  SelfSigned() {
    std::filesystem::create_directories(dir);
    auto made = eventstore::testing::run_process(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
         key.string(), "-out", certificate.string(), "-days", "1", "-subj", "/CN=127.0.0.1"});
    EXPECT_EQ(made.exit_code, 0) << made.output;
  }
  ~SelfSigned() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

unsigned https_get(std::uint16_t port, const std::string& target) {
  asio::io_context ioc;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.handshake(asio::ssl::stream_base::client);
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(stream, request);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(stream, buffer, response);
  return response.result_int();
}

TEST(HttpHostileInput, WithACertificateTheServerSpeaksHttpsOnly) {
  OwnedRetailer retailer("ordo-https");
  SelfSigned pair;
  ServerProcess server(retailer.data_dir,
                       {"--tls-cert", pair.certificate.string(), "--tls-key", pair.key.string()});
  EXPECT_NE(server.output().find("https://"), std::string::npos) << server.output();
  EXPECT_EQ(https_get(server.port(), "/healthz"), 200u);
  const auto plain = send_and_half_close(server.port(), request_bytes("GET", "/healthz", {}, ""));
  EXPECT_TRUE(plain.closed_by_server);
  EXPECT_FALSE(plain.bytes.starts_with("HTTP/1.1 200")) << printable(plain.bytes);
  EXPECT_EQ(https_get(server.port(), "/healthz"), 200u)
      << "still serving after a plain-HTTP client";
}

TEST(HttpHostileInput, AnUnusableCertificateOrKeyStopsTheServerWithExitCode2NamingTheFile) {
  OwnedRetailer retailer("ordo-bad-tls");
  SelfSigned pair;
  const auto missing = (pair.dir / "missing.pem").string();
  const auto garbage = pair.dir / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {missing, pair.key.string()},
      {pair.certificate.string(), missing},
      {garbage.string(), pair.key.string()}};
  for (const auto& [certificate, key] : cases) {
    auto result = eventstore::testing::run_process(
        {ordo_bin(), "serve", "--data", retailer.data_dir.string(), "--listen", "127.0.0.1:0",
         "--tls-cert", certificate, "--tls-key", key});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    const auto& bad = certificate == pair.certificate.string() ? key : certificate;
    EXPECT_NE(result.output.find(bad), std::string::npos)
        << "names " << bad << ": " << result.output;
  }
}

}  // namespace
}  // namespace ordo::gateway::testing

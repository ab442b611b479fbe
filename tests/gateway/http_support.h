// A real `ordo serve` for HTTP tests: a child process on 127.0.0.1 with an ephemeral port, over a
// data directory with a small demo retailer built from the real French site network; and a
// blocking HTTP/1.1 client (Beast) with keep-alive, plus raw byte access for malformed input.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/eventstore/process.h"

namespace ordo::gateway::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

inline std::string ordo_bin() { return std::string(ORDO_BIN_DIR) + "/ordo"; }

/// Runs `ordo ARGS...` to completion; fails the test if it does not exit 0. Returns stdout+stderr.
inline std::string ordo(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ordo_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = eventstore::testing::run_process(argv);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() /
      (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
  std::filesystem::remove_all(dir);
  return dir;
}

/// A directory removed, with everything in it, when this goes away (tests clean up what they
/// write). Outlive every process that writes there.
class OwnedDir {
 public:
  explicit OwnedDir(std::filesystem::path path = {}) : path_(std::move(path)) {}
  OwnedDir(OwnedDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  OwnedDir& operator=(OwnedDir&& other) noexcept {
    if (this != &other) {
      remove();
      path_ = std::exchange(other.path_, {});
    }
    return *this;
  }
  ~OwnedDir() { remove(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  void remove() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path path_;
};

/// `ordo serve` as a child process. The constructor waits for its "serving" line.
class ServerProcess {
 public:
  /// `ordo serve` over `data_dir` (or `binary`, built from the same sources), with `environment`
  /// added to its own.
  explicit ServerProcess(std::filesystem::path data_dir, std::vector<std::string> extra = {},
                         std::vector<std::pair<std::string, std::string>> environment = {},
                         std::string binary = ordo_bin())
      : data_dir_(std::move(data_dir)) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
      std::vector<std::string> argv{binary,     "serve",      "--data", data_dir_.string(),
                                    "--listen", "127.0.0.1:0"};
      argv.insert(argv.end(), extra.begin(), extra.end());
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::_Exit(127);
    }
    ::close(fds[1]);
    output_fd_ = fds[0];
    read_until_serving();
  }
  ~ServerProcess() {
    if (pid_ > 0) kill(SIGKILL);
    if (output_fd_ >= 0) ::close(output_fd_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& output() const { return output_; }

  /// Sends `signal` and waits; returns the exit code (-1 when killed by a signal).
  int kill(int signal) {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, signal);
    drain();
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

 private:
  void read_until_serving() {
    char buffer[1024];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto n = ::read(output_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      output_.append(buffer, static_cast<std::size_t>(n));
      const auto at = output_.find("://127.0.0.1:");
      const auto end = output_.find(' ', at == std::string::npos ? 0 : at);
      if (at != std::string::npos && end != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(output_.substr(at + 13, end - at - 13)));
        return;
      }
    }
    throw std::runtime_error("ordo serve did not start: " + output_);
  }
  void drain() {
    char buffer[4096];
    for (ssize_t n; (n = ::read(output_fd_, buffer, sizeof buffer)) > 0;) {
      output_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::uint16_t port_ = 0;
  int exit_code_ = -1;
  std::string output_;
};

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  json doc() const { return json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// A keep-alive HTTP/1.1 connection to 127.0.0.1:port; reconnects when the server closed it.
class Http {
 public:
  Http(std::uint16_t port, std::string token = {}) : port_(port), token_(std::move(token)) {}

  Reply request(bhttp::verb method, const std::string& target, const std::string& body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    for (auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      try {
        connect();
        bhttp::write(*stream_, req);
        beast::flat_buffer buffer;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 << 20);
        if (method == bhttp::verb::head) parser.skip(true);  // an answer to HEAD has no body
        bhttp::read(*stream_, buffer, parser);
        auto res = parser.release();
        Reply reply{res.result_int(), {}, res.body()};
        for (const auto& field : res) {
          std::string name(field.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          reply.headers[name] = std::string(field.value());
        }
        if (!res.keep_alive()) stream_.reset();
        return reply;
      } catch (const std::exception&) {
        stream_.reset();
        if (attempt == 1) throw;  // a keep-alive connection the server closed: retry once
      }
    }
  }
  Reply get(const std::string& target) { return request(bhttp::verb::get, target); }
  Reply post(const std::string& target, const json& body,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    return request(bhttp::verb::post, target, body.dump(), std::move(headers));
  }
  Reply put(const std::string& target, const json& body) {
    return request(bhttp::verb::put, target, body.dump());
  }
  void set_token(std::string token) { token_ = std::move(token); }

 private:
  void connect() {
    if (stream_) return;
    stream_.emplace(ioc_);
    stream_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    stream_->expires_after(std::chrono::seconds(30));
  }
  std::uint16_t port_;
  std::string token_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
};

/// Sends raw bytes on a fresh connection and returns what comes back until the server closes or
/// `timeout` passes (for malformed requests Beast would refuse to write).
inline std::string raw_exchange(
    std::uint16_t port, const std::string& bytes,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(timeout);
  beast::error_code ec;
  asio::write(stream, asio::buffer(bytes), ec);
  std::string out;
  char buffer[4096];
  for (;;) {
    const auto n = stream.read_some(asio::buffer(buffer), ec);
    out.append(buffer, n);
    if (ec) break;
  }
  return out;
}

/// A valid order body for `sku` (quantity 1 unless given).
inline json order_body(const std::string& order_id, const std::string& sku,
                       std::int64_t quantity = 1, const std::string& channel = "web") {
  return {{"order_id", order_id},
          {"channel", channel},
          {"customer_id", "C-" + order_id},
          {"email", "client-" + order_id + "@example.fr"},
          {"currency", "EUR"},
          {"delivery_address",
           {{"name", "Jeanne Martin"},
            {"line1", "12 rue de la Paix"},
            {"postcode", "75002"},
            {"city", "Paris"},
            {"country", "FR"}}},
          {"lines",
           json::array(
               {{{"line", 1}, {"sku", sku}, {"quantity", quantity}, {"unit_price_minor", 1999}}})}};
}

/// A data directory with a small demo retailer (real French sites) and an admin token.
struct Retailer {
  std::filesystem::path data_dir;
  std::string admin_token;
  OwnedDir owner;  // removes data_dir
};

inline Retailer make_retailer(const std::string& name) {
  const auto dir = temp_dir(name);
  Retailer r{dir, {}, OwnedDir(dir)};
  ordo({"demo-data", "--data", r.data_dir.string(), "--sites-file", ORDO_SITES_FILE, "--postcodes",
        ORDO_POSTCODES_DIR, "--stores", "6", "--skus", "40", "--orders", "0"});
  auto out = ordo(
      {"token", "create", "--data", r.data_dir.string(), "--role", "admin", "--label", "tests"});
  r.admin_token = out.substr(0, out.find('\n'));
  return r;
}

}  // namespace ordo::gateway::testing

// Credentials: RFC 6238's test vectors, the ±1 step window, base32 (RFC 4648's vectors), the QR
// code, argon2id hashing with its parameters in the hash, the ASVS password rules with the
// common-password lists, and sealed secrets.
#include "gateway/security/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/security/totp.h"

namespace ordo::gateway::security {
namespace {

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's length.
TEST(Totp, RfcAppendixBVectors) {
  const std::string sha1 = "12345678901234567890";
  const std::string sha256 = "12345678901234567890123456789012";
  const std::string sha512 = sha1 + sha1 + sha1 + "1234";
  struct Vector {
    std::int64_t time;
    std::string sha1, sha256, sha512;
  };
  for (const auto& v : std::vector<Vector>{{59, "94287082", "46119246", "90693936"},
                                           {1111111109, "07081804", "68084774", "25091201"},
                                           {1111111111, "14050471", "67062674", "99943326"},
                                           {1234567890, "89005924", "91819424", "93441116"},
                                           {2000000000, "69279037", "90698825", "38618901"},
                                           {20000000000, "65353130", "77737706", "47863826"}}) {
    const auto step = totp_step(v.time);
    EXPECT_EQ(totp_code(sha1, step, 8, TotpHash::sha1), v.sha1) << v.time;
    EXPECT_EQ(totp_code(sha256, step, 8, TotpHash::sha256), v.sha256) << v.time;
    EXPECT_EQ(totp_code(sha512, step, 8, TotpHash::sha512), v.sha512) << v.time;
  }
}

TEST(Totp, ACodeMatchesItsStepWithinOneStepOfNowAndNotTwo) {
  const std::string secret = "12345678901234567890";
  const std::int64_t now = 1'765'000'015;
  const auto step = totp_step(now);
  for (std::int64_t delta = -1; delta <= 1; ++delta) {
    EXPECT_EQ(totp_match(secret, totp_code(secret, step + delta), now), step + delta) << delta;
  }
  for (std::int64_t delta : {-3, -2, 2, 3}) {
    const auto code = totp_code(secret, step + delta);
    // A code of a far step may equal a near one by chance (1 in a million): then it is that step.
    const auto matched = totp_match(secret, code, now);
    if (matched) {
      EXPECT_LE(std::abs(*matched - step), 1) << delta;
    }
  }
  EXPECT_FALSE(totp_match(secret, "12345", now));
  EXPECT_FALSE(totp_match(secret, totp_code(secret, step) + "0", now));
}

TEST(Totp, Base32AndTheOtpauthUri) {
  EXPECT_EQ(base32(""), "");
  EXPECT_EQ(base32("f"), "MY");
  EXPECT_EQ(base32("fo"), "MZXQ");
  EXPECT_EQ(base32("foo"), "MZXW6");
  EXPECT_EQ(base32("foob"), "MZXW6YQ");
  EXPECT_EQ(base32("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(otpauth_uri("foobar", "anna martin@example.fr"),
            "otpauth://totp/Ordo:anna%20martin@example.fr?secret=MZXW6YTBOI&issuer=Ordo"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(Totp, TheQrCodeIsAnSvgImageOrNothingForATooLongText) {
  const auto svg = qr_svg(otpauth_uri(std::string(20, 'k'), "anna@example.fr"));
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg->find("<path fill=\"#000\" d=\"M"), std::string::npos);
  EXPECT_FALSE(qr_svg(std::string(8000, 'x')));
}

const PasswordCost kCost{};  // the default: 64 MiB, two passes

TEST(Passwords, AnArgon2idHashCarriesItsParametersAndVerifiesOnlyItsPassword) {
  const auto hash = hash_password("correct horse battery staple", kCost);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << *hash;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password("$argon2id$nonsense", "x"));
  EXPECT_FALSE(needs_rehash(*hash, kCost));
  EXPECT_TRUE(needs_rehash(*hash, {3, kCost.memory_bytes}));
  EXPECT_TRUE(needs_rehash("$2y$10$bcrypt", kCost));
  const auto again = hash_password("correct horse battery staple", kCost);
  ASSERT_TRUE(again);
  EXPECT_NE(*again, *hash) << "a new salt each time";
  EXPECT_FALSE(hash_password("x", {2, 32u << 20})) << "below 64 MiB";
}

TEST(Passwords, TheRulesAreLengthAndNotCommonNotYourselfAndNoComposition) {
  auto lists = CommonPasswords::open();
  ASSERT_TRUE(lists) << lists.error().message;
  const auto* common = lists->get();
  EXPECT_GT(common->common_count(), 3000u);
  const auto problem = [&](std::string_view p) {
    return password_problem(p, "Anna.Martin@example.fr", "Anna Martin", common);
  };
  EXPECT_FALSE(problem("blue tractor yesterday")) << "no composition rule";
  EXPECT_FALSE(problem("mjq8xkzt")) << "eight characters";
  EXPECT_FALSE(problem(std::string(128, 'q')));
  EXPECT_FALSE(
      problem("\xF0\x9F\x94\x92\xF0\x9F\x94\x92\xF0\x9F\x94\x92\xF0\x9F\x94\x92"
              "\xF0\x9F\x94\x92\xF0\x9F\x94\x92\xF0\x9F\x94\x92\xF0\x9F\x94\x92"))
      << "eight characters of four bytes each";
  EXPECT_NE(problem("mjq8xkz").value_or("").find("at least 8"), std::string::npos);
  EXPECT_NE(problem(std::string(129, 'q')).value_or("").find("at most 128"), std::string::npos);
  EXPECT_NE(problem("abc\xC3\x28xyzw").value_or("").find("UTF-8"), std::string::npos);
  // Found by fuzz_people: a four-byte form above U+10FFFF was counted as one character.
  for (const auto* invalid : {"\xF4\x9F\x94\x92"
                              "abcdefgh",
                              "\xED\xA0\x80"
                              "abcdefgh",
                              "\xE0\x80\x80"
                              "abcdefgh",
                              "\xF5\x80\x80\x80"
                              "abcdefgh"})
    EXPECT_NE(problem(invalid).value_or("").find("UTF-8"), std::string::npos) << invalid;
  for (const auto* mine : {"anna.martin@example.fr", "ANNA.MARTIN", "anna martin"})
    EXPECT_NE(problem(mine).value_or("").find("e-mail address or your name"), std::string::npos)
        << mine;
  for (const auto* usual : {"password1", "12345678", "PASSWORD1", "ILoveYou", "sunshine"})
    EXPECT_NE(problem(usual).value_or("").find("common passwords"), std::string::npos) << usual;
}

class SealedSecrets : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ordo-seal-" + std::to_string(::getpid()));
};

TEST_F(SealedSecrets, ASealedSecretOpensWithItsKeyOnlyAndDamageIsCorruption) {
  const auto key = (dir / "secret.key").string();
  auto box = SecretBox::open_or_create(key);
  ASSERT_TRUE(box) << box.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(key.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string secret = "\x01\x02 twenty bytes here";
  const auto sealed = box->seal(secret);
  EXPECT_EQ(sealed.find("twenty"), std::string::npos);
  EXPECT_NE(box->seal(secret), sealed) << "a new nonce each time";
  auto reopened = SecretBox::open_or_create(key);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->unseal(sealed).value_or(""), secret);
  auto damaged = sealed;
  damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == '0' ? '1' : '0';
  EXPECT_EQ(reopened->unseal(damaged).error().code, ErrorCode::corruption);
  EXPECT_EQ(reopened->unseal("zz").error().code, ErrorCode::corruption);
  auto other = SecretBox::open_or_create((dir / "other.key").string());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->unseal(sealed).error().code, ErrorCode::corruption);
  std::ofstream((dir / "bad.key").string()) << "not a key\n";
  EXPECT_EQ(SecretBox::open_or_create((dir / "bad.key").string()).error().code,
            ErrorCode::internal);
}

}  // namespace
}  // namespace ordo::gateway::security

#include "core/config.h"

#include <cstdio>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace krilin::core {
namespace {

std::map<std::string, std::string> g_env;
const char* fake_getenv(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

std::string write_file(const std::string& text) {
  std::string path = ::testing::TempDir() + "/krilin_config_test.toml";
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsAreEmbedded) {
  g_env.clear();
  auto c = Config::load(std::nullopt, {}, fake_getenv);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mode(), Mode::embedded);
  EXPECT_EQ(c->database_url(), "sqlite:./data/krilin.db");
  EXPECT_EQ(c->listen_host(), "127.0.0.1");
  EXPECT_EQ(c->listen_port(), 8080);
  EXPECT_GE(c->io_threads(), 1);
}

TEST(Config, PrecedenceIsDefaultFileEnvFlag) {
  g_env = {{"KRILIN_LISTEN", "0.0.0.0:9000"}, {"KRILIN_DB_POOL_SIZE", "3"}};
  auto path = write_file("data_dir = \"/tmp/x\"\n[server]\nlisten = \"1.2.3.4:1\"\n[database]\npool_size = 5\n");
  auto c = Config::load(path, {{"db_pool_size", "7"}}, fake_getenv);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->str("data_dir"), "/tmp/x");
  EXPECT_EQ(c->str("listen"), "0.0.0.0:9000");
  EXPECT_EQ(c->integer("db_pool_size"), 7);
  for (const auto& line : c->describe()) {
    if (line.name == "data_dir") {
      EXPECT_EQ(line.source, "file");
    } else if (line.name == "listen") {
      EXPECT_EQ(line.source, "env");
    } else if (line.name == "db_pool_size") {
      EXPECT_EQ(line.source, "flag");
    }
  }
}

TEST(Config, PostgresUrlSelectsScaleOutAndIsMasked) {
  g_env = {{"KRILIN_DATABASE_URL", "postgresql://krilin:s3cret@db:5432/krilin"}};
  auto c = Config::load(std::nullopt, {}, fake_getenv);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mode(), Mode::scale_out);
  for (const auto& line : c->describe()) {
    if (line.name == "database_url") {
      EXPECT_EQ(line.value, "postgresql://krilin:****@db:5432/krilin");
      EXPECT_EQ(line.value.find("s3cret"), std::string::npos);
    }
  }
}

TEST(Config, RejectsBadValuesWithTheSettingName) {
  g_env = {{"KRILIN_IO_THREADS", "many"}};
  auto c = Config::load(std::nullopt, {}, fake_getenv);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("io_threads"), std::string::npos);
  EXPECT_NE(c.error().message.find("KRILIN_IO_THREADS"), std::string::npos);

  g_env = {{"KRILIN_LISTEN", "nohostport"}};
  EXPECT_FALSE(Config::load(std::nullopt, {}, fake_getenv).ok());
  g_env = {{"KRILIN_LISTEN", "127.0.0.1:70000"}};
  EXPECT_FALSE(Config::load(std::nullopt, {}, fake_getenv).ok());
  g_env = {{"KRILIN_DATABASE_URL", "mysql://x"}};
  EXPECT_FALSE(Config::load(std::nullopt, {}, fake_getenv).ok());
}

TEST(Config, RejectsUnknownFileKeysAndBrokenFiles) {
  g_env.clear();
  auto c = Config::load(write_file("[server]\nlisen = \"x\"\n"), {}, fake_getenv);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("server.lisen"), std::string::npos);
  EXPECT_FALSE(Config::load(write_file("[server\n"), {}, fake_getenv).ok());
  EXPECT_FALSE(Config::load(std::string("/nonexistent/krilin.toml"), {}, fake_getenv).ok());
}

TEST(Config, EverySettingIsDocumented) {
  std::ifstream in(std::string(KRILIN_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& s : settings()) {
    EXPECT_NE(doc.find(s.env), std::string::npos) << s.env << " is not in docs/configuration.md";
    EXPECT_NE(doc.find(s.toml), std::string::npos) << s.toml << " is not in docs/configuration.md";
  }
}

TEST(MaskUrlSecret, LeavesUrlsWithoutSecretsAlone) {
  EXPECT_EQ(mask_url_secret("redis://localhost:6379"), "redis://localhost:6379");
  EXPECT_EQ(mask_url_secret("redis://:pw@h:1"), "redis://:****@h:1");
  EXPECT_EQ(mask_url_secret("postgresql://h/db?password=abc&x=1"),
            "postgresql://h/db?password=****&x=1");
}

}  // namespace
}  // namespace krilin::core

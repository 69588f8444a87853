#pragma once
// Identifiers: UUIDv7 (RFC 9562) — 48 bits of Unix milliseconds, then random bits — so
// ids sort by creation time, which keeps B-tree inserts local and cursors stable.
// Thread-safe. Random bits come from libsodium's CSPRNG.
#include <cstdint>
#include <string>

namespace krilin::core {

// A new UUIDv7 in canonical lowercase text form (36 characters).
std::string new_id();
// The same for a given time (milliseconds since the epoch), for tests and imports.
std::string new_id_at(std::int64_t unix_ms);
// True when `s` is a canonical lowercase UUID (any version).
bool is_uuid(std::string_view s);

// `n` random bytes from the CSPRNG, as lowercase hex / unpadded base64url.
std::string random_hex(std::size_t n);
std::string random_token(std::size_t n);

// A request id: 16 base64url characters, unique in practice but not secret (a per-thread
// generator seeded from the CSPRNG, so that the hot path makes no system call).
std::string request_id();

std::string base64url_encode(std::string_view bytes);
// Empty optional-like: returns false on malformed input.
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace krilin::core

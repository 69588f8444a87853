#pragma once
// /api/v1/auth/* and /api/v1/me: sign-up, login, refresh, logout, logout-all, who am I;
// and the authenticator every route that needs a user goes through.
#include "http/router.h"
#include "kernel/auth/oidc_login.h"
#include "kernel/auth/service.h"

namespace krilin::api {

namespace asio = boost::asio;

// `oidc` (may be null) adds GET /api/v1/auth/oidc/start and /callback.
void add_auth_routes(http::Router& router, kernel::auth::AuthService& auth, kernel::auth::OidcLogin* oidc = nullptr);

// Reads "Authorization: Bearer <token>" and asks the auth service who it is.
http::Authenticator bearer_authenticator(kernel::auth::AuthService& auth);

// The caller of a route that declared auth_required (set by the authenticator).
const kernel::auth::Principal& principal(const http::Request& request);

}  // namespace krilin::api

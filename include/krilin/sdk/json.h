#pragma once
// The JSON type every layer and every app speaks: Boost.JSON. Its implementation is
// compiled once, in src/core/json_impl.cpp; everyone else includes this header only.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace krilin {
namespace json = boost::json;
using Json = boost::json::value;
}  // namespace krilin

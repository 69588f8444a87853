// Boost.URL's implementation, compiled once for the whole program.
#include <boost/url/src.hpp>

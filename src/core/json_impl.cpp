// Boost.JSON's implementation, compiled once for the whole program (Debian ships it
// header-only). Nothing else may include boost/json/src.hpp.
#include <boost/json/src.hpp>

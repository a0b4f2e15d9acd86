#include "tests/fuzz/mutator.h"

#include <array>
#include <cstring>
#include <limits>

namespace ldd::fuzz {
namespace {

// Integers at the edges of what headers declare: sizes, counts, offsets, type codes.
constexpr std::array<std::int64_t, 14> kInterestingInts{0, 1, -1, 2, 3, 7, 127, 255, 32767, 65535, 2147483647,
                                                         -2147483648LL, 4294967295LL, 0x7fffffffffffffffLL};
// Tokens a text parser (CSV, YAML, MetaImage headers) gives meaning to, or numbers it must refuse.
const std::array<const char*, 34> kTokens{
    "nan", "NaN", "inf", "-inf", "1e400", "-1", "0", "99999999999999999999", "0.5", ",", ";", "\"", "\n", "\r\n",
    ":", ": ", "- ", "[", "]", "{", "}", "&a ", "*a", "!!binary ", "..", "", "\xef\xbb\xbf", "\t", " = ", "LOCAL",
    "MET_DOUBLE", "DimSize = 1000000 1000000 1000000\n", "ElementSpacing = 0 0 0\n", "L5-S1"};

}  // namespace

Bytes Mutator::mutate(const Bytes& input, const std::vector<Bytes>& others) {
  Bytes b = input;
  const std::size_t n = 1 + below(4);
  for (std::size_t i = 0; i < n; ++i) mutate_once(b, others);
  return b;
}

void Mutator::mutate_once(Bytes& b, const std::vector<Bytes>& others) {
  auto at = [&] { return below(b.size()); };
  switch (below(b.empty() ? 1 : 10)) {
    case 0: {  // insert a token (also the only thing to do with an empty input)
      const std::string token = kTokens[below(kTokens.size())];
      b.insert(below(b.size() + 1), token);
      break;
    }
    case 1:  // flip a bit
      { const std::size_t pos = at(); b[pos] = static_cast<char>(b[pos] ^ (1 << below(8))); }
      break;
    case 2:  // a random byte
      b[at()] = static_cast<char>(below(256));
      break;
    case 3: {  // a boundary integer, 1, 2, 4 or 8 bytes, either byte order
      const std::size_t width = std::size_t{1} << below(4);
      if (b.size() < width) break;
      std::uint64_t v = static_cast<std::uint64_t>(kInterestingInts[below(kInterestingInts.size())]);
      const std::size_t pos = below(b.size() - width + 1);
      const bool big_endian = below(2) == 1;
      for (std::size_t k = 0; k < width; ++k)
        b[pos + (big_endian ? width - 1 - k : k)] = static_cast<char>((v >> (8 * k)) & 0xff);
      break;
    }
    case 4: {  // a non-finite or extreme float, 4 or 8 bytes
      const bool wide = below(2) == 1;
      const std::size_t width = wide ? 8 : 4;
      if (b.size() < width) break;
      const std::array<double, 6> values{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity(), 0.0, -1.0, 1e30};
      const double v = values[below(values.size())];
      const float f = static_cast<float>(v);
      std::memcpy(b.data() + below(b.size() - width + 1), wide ? static_cast<const void*>(&v) : static_cast<const void*>(&f), width);
      break;
    }
    case 5: {  // delete a chunk
      const std::size_t pos = at();
      b.erase(pos, 1 + below(std::min<std::size_t>(b.size() - pos, 64)));
      break;
    }
    case 6: {  // duplicate a chunk
      const std::size_t pos = at(), len = 1 + below(std::min<std::size_t>(b.size() - pos, 64));
      b.insert(below(b.size() + 1), b.substr(pos, len));
      break;
    }
    case 7:  // truncate
      b.resize(below(b.size()));
      break;
    case 8: {  // splice a chunk of another input over ours
      if (others.empty()) break;
      const Bytes& o = others[below(others.size())];
      if (o.empty()) break;
      const std::size_t from = below(o.size()), len = 1 + below(std::min<std::size_t>(o.size() - from, 256));
      const std::size_t pos = below(b.size() + 1);
      b.replace(pos, std::min(len, b.size() - pos), o, from, len);
      break;
    }
    default: {  // a token over a word of text
      const std::string token = kTokens[below(kTokens.size())];
      const std::size_t pos = at();
      b.replace(pos, std::min<std::size_t>(b.size() - pos, below(8)), token);
      break;
    }
  }
}

}  // namespace ldd::fuzz

import HistoryTesting
import StrictJSON

/// Builds random JSON values from a seed, covering awkward numbers and strings.
struct ValueGenerator {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

    mutating func value(depth: Int) -> JSONValue {
        switch below(depth <= 0 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .number(number())
        case 3: return .string(string())
        case 4: return .array((0..<below(6)).map { _ in value(depth: depth - 1) })
        default:
            var object = JSONObject()
            for _ in 0..<below(6) { object[string()] = value(depth: depth - 1) }
            return .object(object)
        }
    }

    mutating func number() -> Double {
        switch below(6) {
        case 0: return Double(below(2_000_001) - 1_000_000)
        case 1: return Double(Int64(bitPattern: random.next()) >> 10)  // around ±2^53
        case 2: return Double(below(100_000)) / 100
        case 3:
            return [
                0.1, 0.2, 0.3, -0.0, 1e-7, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1.7976931348623157e308, 1e21, 1e22,
                123456789.125,
            ][below(11)]
        default:
            // Any finite Double, from its bits.
            while true {
                let candidate = Double(bitPattern: random.next())
                if candidate.isFinite { return candidate }
            }
        }
    }

    mutating func string() -> String {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ß", "日", "😀", "\u{FFFF}", "\u{10FFFF}",
            "\u{301}",
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<below(8) { scalars.append(alphabet[below(alphabet.count)]) }
        return String(scalars)
    }
}

extension JSONValue {
    /// The same value with every object's members in canonical (sorted) order, as the canonical
    /// encoding writes them.
    var sortedRecursively: JSONValue {
        switch self {
        case .array(let elements): return .array(elements.map(\.sortedRecursively))
        case .object(let object):
            return .object(JSONObject(object.sortedMembers.map { ($0.key, $0.value.sortedRecursively) }))
        default: return self
        }
    }
}

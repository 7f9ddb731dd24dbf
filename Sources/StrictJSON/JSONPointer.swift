/// A JSON Pointer (RFC 6901): the path to a value, such as `/steps/0/id`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first.
    public var tokens: [String]

    /// The pointer to the whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    /// A pointer from unescaped tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the string form: `""`, or `/`-separated tokens where `~0` is `~` and `~1` is `/`.
    /// Returns nil if the text does not start with `/` or has a `~` not followed by `0` or `1`.
    public init?(parsing text: String) {
        guard !text.isEmpty else {
            tokens = []
            return
        }
        var scalars = text.unicodeScalars.makeIterator()
        guard scalars.next() == "/" else { return nil }
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        while let scalar = scalars.next() {
            switch scalar {
            case "/":
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            case "~":
                // Decoded in one pass, so "~01" is "~1" and not "/".
                switch scalars.next() {
                case "0": current.append("~")
                case "1": current.append("/")
                default: return nil
                }
            default:
                current.append(scalar)
            }
        }
        tokens.append(String(current))
        self.tokens = tokens
    }

    /// This pointer extended by an object key.
    public func appending(_ key: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [key])
    }

    /// This pointer extended by an array index.
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(tokens: tokens + [String(index)])
    }

    /// The string form, e.g. `/steps/0/id`, with `~` written `~0` and `/` written `~1`; `""` for the root.
    public var description: String {
        var text = ""
        for token in tokens {
            text.append("/")
            for scalar in token.unicodeScalars {
                switch scalar {
                case "~": text.append("~0")
                case "/": text.append("~1")
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        return text
    }

    /// The array index a token names: `0` or digits without a leading zero, in Int range.
    /// `-` (past the end) and anything else name no existing element.
    static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, first != UInt8(ascii: "0") || utf8.count == 1, utf8.count <= 18 else {
            return nil
        }
        var index = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            index = index * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return index
    }
}

extension JSONValue {
    /// The value `pointer` refers to, or nil if there is none.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            case .object(let object):
                guard let member = object[token] else { return nil }
                current = member
            default:
                return nil
            }
        }
        return current
    }
}

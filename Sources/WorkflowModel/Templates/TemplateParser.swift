public import StrictJSON

/// Turns JSON from a workflow file into ``Template`` values.
public enum TemplateParser {
    /// Parses every string inside `value` for `${...}` expressions.
    /// - Throws: ``TemplateSyntaxError`` for an unterminated `${`, an empty or malformed reference.
    public static func parse(_ value: JSONValue) throws(TemplateSyntaxError) -> Template {
        switch value {
        case .string(let text):
            return try parseString(text)
        case .array(let elements):
            var templates: [Template] = []
            for element in elements { templates.append(try parse(element)) }
            if templates.allSatisfy({ if case .literal = $0 { true } else { false } }) { return .literal(value) }
            return .array(templates)
        case .object(let object):
            var members: [TemplateMember] = []
            for member in object { members.append(TemplateMember(key: member.key, value: try parse(member.value))) }
            if members.allSatisfy({ if case .literal = $0.value { true } else { false } }) { return .literal(value) }
            return .object(members)
        default:
            return .literal(value)
        }
    }

    /// Parses one string.
    public static func parseString(_ text: String) throws(TemplateSyntaxError) -> Template {
        // Most strings in a definition hold no template at all: look for a `$` byte first.
        var utf8Text = text
        let hasDollar = utf8Text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count, bytes[index] != 0x24 { index += 1 }
            return index < bytes.count
        }
        if !hasDollar { return .literal(.string(text)) }
        let scalars = Array(text.unicodeScalars)
        let count = scalars.count
        var parts: [InterpolationPart] = []
        var literal = ""
        /// Where the literal text not yet copied into `literal` starts.
        var runStart = 0
        var index = 0
        while index < count {
            guard scalars[index] == Scalar.dollar else {
                index += 1
                continue
            }
            if index + 2 < count, scalars[index + 1] == Scalar.dollar, scalars[index + 2] == Scalar.openBrace {
                // `$${` is a literal `${`.
                literal += string(scalars, runStart..<index) + "${"
                index += 3
                runStart = index
                continue
            }
            guard index + 1 < count, scalars[index + 1] == Scalar.openBrace else {
                index += 1
                continue
            }
            var close = index + 2
            while close < count, scalars[close] != Scalar.closeBrace { close += 1 }
            guard close < count else {
                throw TemplateSyntaxError.syntax("\"${\" is not closed by \"}\"; write \"$${\" for a literal \"${\"")
            }
            literal += string(scalars, runStart..<index)
            if !literal.isEmpty {
                parts.append(.text(literal))
                literal = ""
            }
            parts.append(.expression(try parseExpression(string(scalars, (index + 2)..<close))))
            index = close + 1
            runStart = index
        }
        literal += string(scalars, runStart..<count)
        if !literal.isEmpty { parts.append(.text(literal)) }
        if parts.isEmpty { return .literal(.string("")) }
        if parts.count == 1, case .expression(let expression) = parts[0] { return .expression(expression) }
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) {
            return .literal(.string(parts.map { if case .text(let t) = $0 { t } else { "" } }.joined()))
        }
        return .interpolated(parts)
    }

    /// Parses the text between `${` and `}`.
    public static func parseExpression(_ body: String) throws(TemplateSyntaxError) -> Expression {
        let source = body.trimmingSpaces()
        let components = try pathComponents(source)
        // Components before `next` are consumed (a cursor rather than removeFirst, which copies).
        var next = 0
        func peek() -> Expression.PathComponent? { next < components.count ? components[next] : nil }
        guard case .key(let first)? = peek() else {
            throw TemplateSyntaxError.syntax("\"${\(body)}\" must start with input, steps, item, index, output or execution")
        }
        next += 1
        func name(_ what: String) throws(TemplateSyntaxError) -> String {
            guard case .key(let name)? = peek() else {
                throw TemplateSyntaxError.syntax("\"${\(source)}\" needs \(what) after \"\(first).\"")
            }
            next += 1
            return name
        }
        let root: Expression.Root
        switch first {
        case "input":
            root = .input(try name("an input name"))
        case "steps":
            let step = try name("a step id")
            guard case .key("output")? = peek() else {
                throw TemplateSyntaxError.syntax("\"${\(source)}\" must read \"steps.\(step).output\"")
            }
            next += 1
            root = .stepOutput(step)
        case "item":
            root = .item
        case "index":
            guard next == components.count else { throw TemplateSyntaxError.syntax("\"${index}\" has no members") }
            root = .index
        case "output":
            root = .output
        case "execution":
            let field = try name("\"id\" or \"runId\"")
            guard field == "id" || field == "runId", next == components.count else {
                throw TemplateSyntaxError.syntax("\"${\(source)}\": execution has only \"id\" and \"runId\"")
            }
            root = .execution(field)
        default:
            throw TemplateSyntaxError.syntax(
                "\"${\(source)}\" must start with input, steps, item, index, output or execution, not \"\(first)\"")
        }
        return Expression(root: root, path: next == 0 ? components : Array(components[next...]), source: source)
    }

    /// Splits `a.b[0].c` into components.
    static func pathComponents(_ text: String) throws(TemplateSyntaxError) -> [Expression.PathComponent] {
        let scalars = Array(text.unicodeScalars)
        let count = scalars.count
        guard count > 0 else { throw TemplateSyntaxError.syntax("\"${}\" is empty") }
        var components: [Expression.PathComponent] = []
        /// Where the name being read starts; it ends at `index`.
        var nameStart = 0
        var expectName = true
        var index = 0
        while index < count {
            let scalar = scalars[index]
            if isNameScalar(scalar) {
                index += 1
                expectName = false
            } else if scalar == Scalar.dot {
                guard nameStart < index else { throw TemplateSyntaxError.syntax("\"${\(text)}\" has an empty name") }
                components.append(.key(string(scalars, nameStart..<index)))
                index += 1
                nameStart = index
                expectName = true
            } else if scalar == Scalar.openBracket {
                if nameStart < index {
                    components.append(.key(string(scalars, nameStart..<index)))
                } else if components.isEmpty {
                    throw TemplateSyntaxError.syntax("\"${\(text)}\" starts with \"[\"")
                }
                var close = index + 1
                while close < count, scalars[close] != Scalar.closeBracket { close += 1 }
                guard close < count, let position = Int(string(scalars, (index + 1)..<close)), position >= 0 else {
                    throw TemplateSyntaxError.syntax("\"${\(text)}\": write an index as [0], [1], ...")
                }
                components.append(.index(position))
                index = close + 1
                if index < count, scalars[index] != Scalar.dot, scalars[index] != Scalar.openBracket {
                    throw TemplateSyntaxError.syntax("\"${\(text)}\": expected \".\" or \"[\" after \"]\"")
                }
                if index < count, scalars[index] == Scalar.dot {
                    index += 1
                    expectName = true
                } else {
                    expectName = false
                }
                nameStart = index
            } else {
                throw TemplateSyntaxError.syntax("\"${\(text)}\" contains \"\(scalar)\"; names use letters, digits, _ and -")
            }
        }
        if nameStart < count {
            components.append(.key(string(scalars, nameStart..<count)))
        } else if expectName {
            throw TemplateSyntaxError.syntax("\"${\(text)}\" ends with \".\"")
        }
        return components
    }

    /// Letters, digits, `_` and `-`: the scalars of a name in a path.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x5F, 0x2D: true  // a-z A-Z 0-9 _ -
        default: false
        }
    }

    /// The string made of `scalars[range]`, built from UTF-8 bytes encoded here: appending scalars
    /// to a string one by one is slow in debug builds.
    static func string(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(range.count)
        for index in range {
            let value = scalars[index].value
            switch value {
            case 0..<0x80:
                utf8.append(UInt8(value))
            case 0x80..<0x800:
                utf8.append(UInt8(0xC0 | value >> 6))
                utf8.append(UInt8(0x80 | value & 0x3F))
            case 0x800..<0x10000:
                utf8.append(UInt8(0xE0 | value >> 12))
                utf8.append(UInt8(0x80 | (value >> 6) & 0x3F))
                utf8.append(UInt8(0x80 | value & 0x3F))
            default:
                utf8.append(UInt8(0xF0 | value >> 18))
                utf8.append(UInt8(0x80 | (value >> 12) & 0x3F))
                utf8.append(UInt8(0x80 | (value >> 6) & 0x3F))
                utf8.append(UInt8(0x80 | value & 0x3F))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The scalars the parser looks for. Named constants, because a literal comparison such as
    /// `scalar == "$"` builds the scalar at run time in debug builds.
    private enum Scalar {
        static let dollar: Unicode.Scalar = "$"
        static let openBrace: Unicode.Scalar = "{"
        static let closeBrace: Unicode.Scalar = "}"
        static let dot: Unicode.Scalar = "."
        static let openBracket: Unicode.Scalar = "["
        static let closeBracket: Unicode.Scalar = "]"
    }
}

extension String {
    /// This string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let scalars = Array(unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
        while end > start, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
        if start == 0, end == scalars.count { return self }
        return TemplateParser.string(scalars, start..<end)
    }
}

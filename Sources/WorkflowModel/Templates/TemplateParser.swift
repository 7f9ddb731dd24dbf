public import StrictJSON

/// A problem in a template string, found while parsing it.
public struct TemplateSyntaxError: Error, Sendable, Hashable {
    /// What is wrong, for people.
    public var message: String
}

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
        var parts: [InterpolationPart] = []
        var literal = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            if scalar == "$", scalars.dropFirst().first == "$", scalars.dropFirst(2).first == "{" {
                literal += "${"
                scalars = scalars.dropFirst(3)
                continue
            }
            if scalar == "$", scalars.dropFirst().first == "{" {
                guard let close = scalars.firstIndex(of: "}") else {
                    throw TemplateSyntaxError(message: "\"${\" is not closed by \"}\"; write \"$${\" for a literal \"${\"")
                }
                let body = String(String.UnicodeScalarView(scalars[(scalars.startIndex + 2)..<close]))
                if !literal.isEmpty {
                    parts.append(.text(literal))
                    literal = ""
                }
                parts.append(.expression(try parseExpression(body)))
                scalars = scalars[(close + 1)...]
                continue
            }
            literal.unicodeScalars.append(scalar)
            scalars = scalars.dropFirst()
        }
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
        var components = try pathComponents(source)
        guard case .key(let first)? = components.first else {
            throw TemplateSyntaxError(message: "\"${\(body)}\" must start with input, steps, item, index, output or execution")
        }
        components.removeFirst()
        func name(_ what: String) throws(TemplateSyntaxError) -> String {
            guard case .key(let name)? = components.first else {
                throw TemplateSyntaxError(message: "\"${\(source)}\" needs \(what) after \"\(first).\"")
            }
            components.removeFirst()
            return name
        }
        let root: Expression.Root
        switch first {
        case "input":
            root = .input(try name("an input name"))
        case "steps":
            let step = try name("a step id")
            guard case .key("output")? = components.first else {
                throw TemplateSyntaxError(message: "\"${\(source)}\" must read \"steps.\(step).output\"")
            }
            components.removeFirst()
            root = .stepOutput(step)
        case "item":
            root = .item
        case "index":
            guard components.isEmpty else { throw TemplateSyntaxError(message: "\"${index}\" has no members") }
            root = .index
        case "output":
            root = .output
        case "execution":
            let field = try name("\"id\" or \"runId\"")
            guard field == "id" || field == "runId", components.isEmpty else {
                throw TemplateSyntaxError(message: "\"${\(source)}\": execution has only \"id\" and \"runId\"")
            }
            root = .execution(field)
        default:
            throw TemplateSyntaxError(
                message: "\"${\(source)}\" must start with input, steps, item, index, output or execution, not \"\(first)\"")
        }
        return Expression(root: root, path: components, source: source)
    }

    /// Splits `a.b[0].c` into components.
    static func pathComponents(_ text: String) throws(TemplateSyntaxError) -> [Expression.PathComponent] {
        var components: [Expression.PathComponent] = []
        var current = ""
        var expectName = true
        var scalars = Array(text.unicodeScalars)[...]
        func isNameScalar(_ s: Unicode.Scalar) -> Bool {
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-"
        }
        guard !scalars.isEmpty else { throw TemplateSyntaxError(message: "\"${}\" is empty") }
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if isNameScalar(scalar) {
                current.unicodeScalars.append(scalar)
                expectName = false
            } else if scalar == "." {
                guard !current.isEmpty else { throw TemplateSyntaxError(message: "\"${\(text)}\" has an empty name") }
                components.append(.key(current))
                current = ""
                expectName = true
            } else if scalar == "[" {
                if !current.isEmpty {
                    components.append(.key(current))
                    current = ""
                } else if components.isEmpty {
                    throw TemplateSyntaxError(message: "\"${\(text)}\" starts with \"[\"")
                }
                guard let close = scalars.firstIndex(of: "]"),
                    let index = Int(String(String.UnicodeScalarView(scalars[scalars.startIndex..<close]))), index >= 0
                else { throw TemplateSyntaxError(message: "\"${\(text)}\": write an index as [0], [1], ...") }
                components.append(.index(index))
                scalars = scalars[(close + 1)...]
                if let next = scalars.first, next != ".", next != "[" {
                    throw TemplateSyntaxError(message: "\"${\(text)}\": expected \".\" or \"[\" after \"]\"")
                }
                if scalars.first == "." {
                    scalars = scalars.dropFirst()
                    expectName = true
                } else {
                    expectName = false
                }
            } else {
                throw TemplateSyntaxError(message: "\"${\(text)}\" contains \"\(scalar)\"; names use letters, digits, _ and -")
            }
        }
        if !current.isEmpty {
            components.append(.key(current))
        } else if expectName {
            throw TemplateSyntaxError(message: "\"${\(text)}\" ends with \".\"")
        }
        return components
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

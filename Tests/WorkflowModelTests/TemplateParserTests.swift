import StrictJSON
import Testing

@testable import WorkflowModel

@Suite struct TemplateParserTests {
    typealias Outcome = Result<Template, TemplateSyntaxError>

    static func parse(_ text: String) -> Outcome { Result { () throws(TemplateSyntaxError) in try TemplateParser.parseString(text) } }

    static func expression(_ root: Expression.Root, _ path: [Expression.PathComponent] = [], _ source: String) -> Template {
        .expression(Expression(root: root, path: path, source: source))
    }

    static func failure(_ message: String) -> Outcome { .failure(TemplateSyntaxError.syntax(message)) }

    @Test(
        arguments: [
            ("", .success(.literal(""))),
            ("plain", .success(.literal("plain"))),
            ("$", .success(.literal("$"))),
            ("a $ b $", .success(.literal("a $ b $"))),
            ("$${", .success(.literal("${"))),
            ("$${input.x}", .success(.literal("${input.x}"))),
            ("$$x", .success(.literal("$$x"))),
            ("$$$${a}", .success(.literal("$$${a}"))),
            ("${", failure(#""${" is not closed by "}"; write "$${" for a literal "${""#)),
            ("x ${input.a", failure(#""${" is not closed by "}"; write "$${" for a literal "${""#)),
            ("${input.a}", .success(expression(.input("a"), [], "input.a"))),
            ("${ input.a\t}", .success(expression(.input("a"), [], "input.a"))),
            ("${a.b[0].c}", failure(#""${a.b[0].c}" must start with input, steps, item, index, output or execution, not "a""#)),
            (
                "${steps.s.output.b[0].c}",
                .success(expression(.stepOutput("s"), [.key("b"), .index(0), .key("c")], "steps.s.output.b[0].c"))
            ),
            ("${item[2][10]}", .success(expression(.item, [.index(2), .index(10)], "item[2][10]"))),
            ("${output[+1]}", .success(expression(.output, [.index(1)], "output[+1]"))),
            ("${item[-1]}", failure(#""${item[-1]}": write an index as [0], [1], ..."#)),
            ("${item[}", failure(#""${item[}": write an index as [0], [1], ..."#)),
            ("${item[0]x}", failure(#""${item[0]x}": expected "." or "[" after "]""#)),
            ("${item[0].}", failure(#""${item[0].}" ends with ".""#)),
            ("${item.}", failure(#""${item.}" ends with ".""#)),
            ("${.item}", failure(#""${.item}" has an empty name"#)),
            ("${item..a}", failure(#""${item..a}" has an empty name"#)),
            ("${[0]}", failure(#""${[0]}" starts with "[""#)),
            ("${}", failure(#""${}" is empty"#)),
            ("${  }", failure(#""${}" is empty"#)),
            ("${item.é}", failure(#""${item.é}" contains "é"; names use letters, digits, _ and -"#)),
            ("${index.x}", failure(#""${index}" has no members"#)),
            ("${execution.runId}", .success(expression(.execution("runId"), [], "execution.runId"))),
            ("${execution.pid}", failure(#""${execution.pid}": execution has only "id" and "runId""#)),
            ("${steps.s}", failure(#""${steps.s}" must read "steps.s.output""#)),
            ("${input}", failure(#""${input}" needs an input name after "input.""#)),
            (
                "a-${item}-b",
                .success(.interpolated([.text("a-"), .expression(Expression(root: .item, path: [], source: "item")), .text("-b")]))
            ),
            (
                "${item}${index}",
                .success(
                    .interpolated([
                        .expression(Expression(root: .item, path: [], source: "item")),
                        .expression(Expression(root: .index, path: [], source: "index")),
                    ]))
            ),
            (
                "$${x} ${item} }",
                .success(
                    .interpolated([
                        .text("${x} "), .expression(Expression(root: .item, path: [], source: "item")), .text(" }"),
                    ]))
            ),
            (
                "é😀${item.a-b_c}",
                .success(
                    .interpolated([
                        .text("é😀"), .expression(Expression(root: .item, path: [.key("a-b_c")], source: "item.a-b_c")),
                    ]))
            ),
        ] as [(String, Outcome)])
    func edgeCases(text: String, expected: Outcome) {
        #expect(Self.parse(text) == expected)
        #expect(Self.parse(text) == Result { () throws(TemplateSyntaxError) in try ReferenceTemplateParser.parseString(text) })
    }

    /// Random strings over the characters the parser treats specially, compared with the previous
    /// implementation: the same template or the same message, every time.
    @Test(arguments: 0..<4)
    func agreesWithThePreviousParser(batch: Int) {
        let alphabet: [Unicode.Scalar] = ["$", "$", "{", "}", ".", "[", "]", "0", "1", "-", "+", " ", "\t", "a", "é", "😀"]
        let heads = ["", "${", "${input.", "${steps.s.output", "${item", "${index", "${output", "${execution.", "$${"]
        var state: UInt64 = 0x7E3A_0000 &+ UInt64(batch)
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % 1_000_003)
        }
        for _ in 0..<2_500 {
            var text = heads[next() % heads.count]
            for _ in 0..<(next() % 14) { text.unicodeScalars.append(alphabet[next() % alphabet.count]) }
            let expected = Result { () throws(TemplateSyntaxError) in try ReferenceTemplateParser.parseString(text) }
            #expect(Self.parse(text) == expected, "\(text)")
        }
    }

    @Test func pathComponentsMatchThePreviousParser() {
        for text in ["a", "a.b", "a[0]", "a[0][1].b", "a.", ".a", "[0]", "a[x]", "a[0]b", "a-b_c.D9", "", "a b", "a[", "a[]"] {
            let ours = Result { () throws(TemplateSyntaxError) in try TemplateParser.pathComponents(text) }
            let reference = Result { () throws(TemplateSyntaxError) in try ReferenceTemplateParser.pathComponents(text) }
            #expect(ours == reference, "\(text)")
        }
    }

    @Test func trimmingMatchesThePreviousParser() {
        for text in ["", " ", "\t a \t", "a", " a b ", "\u{A0}a"] {
            #expect(text.trimmingSpaces() == ReferenceTemplateParser.referenceTrimmingSpaces(text))
        }
    }
}

/// The parser as it was before it was rewritten over `[Unicode.Scalar]` with integer indexes,
/// kept verbatim as the reference the rewrite must agree with, result for result and message for
/// message.
enum ReferenceTemplateParser {
    /// Parses one string.
    static func parseString(_ text: String) throws(TemplateSyntaxError) -> Template {
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
                    throw TemplateSyntaxError.syntax("\"${\" is not closed by \"}\"; write \"$${\" for a literal \"${\"")
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
    static func parseExpression(_ body: String) throws(TemplateSyntaxError) -> Expression {
        let source = referenceTrimmingSpaces(body)
        var components = try pathComponents(source)
        guard case .key(let first)? = components.first else {
            throw TemplateSyntaxError.syntax("\"${\(body)}\" must start with input, steps, item, index, output or execution")
        }
        components.removeFirst()
        func name(_ what: String) throws(TemplateSyntaxError) -> String {
            guard case .key(let name)? = components.first else {
                throw TemplateSyntaxError.syntax("\"${\(source)}\" needs \(what) after \"\(first).\"")
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
                throw TemplateSyntaxError.syntax("\"${\(source)}\" must read \"steps.\(step).output\"")
            }
            components.removeFirst()
            root = .stepOutput(step)
        case "item":
            root = .item
        case "index":
            guard components.isEmpty else { throw TemplateSyntaxError.syntax("\"${index}\" has no members") }
            root = .index
        case "output":
            root = .output
        case "execution":
            let field = try name("\"id\" or \"runId\"")
            guard field == "id" || field == "runId", components.isEmpty else {
                throw TemplateSyntaxError.syntax("\"${\(source)}\": execution has only \"id\" and \"runId\"")
            }
            root = .execution(field)
        default:
            throw TemplateSyntaxError.syntax(
                "\"${\(source)}\" must start with input, steps, item, index, output or execution, not \"\(first)\"")
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
        guard !scalars.isEmpty else { throw TemplateSyntaxError.syntax("\"${}\" is empty") }
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if isNameScalar(scalar) {
                current.unicodeScalars.append(scalar)
                expectName = false
            } else if scalar == "." {
                guard !current.isEmpty else { throw TemplateSyntaxError.syntax("\"${\(text)}\" has an empty name") }
                components.append(.key(current))
                current = ""
                expectName = true
            } else if scalar == "[" {
                if !current.isEmpty {
                    components.append(.key(current))
                    current = ""
                } else if components.isEmpty {
                    throw TemplateSyntaxError.syntax("\"${\(text)}\" starts with \"[\"")
                }
                guard let close = scalars.firstIndex(of: "]"),
                    let index = Int(String(String.UnicodeScalarView(scalars[scalars.startIndex..<close]))), index >= 0
                else { throw TemplateSyntaxError.syntax("\"${\(text)}\": write an index as [0], [1], ...") }
                components.append(.index(index))
                scalars = scalars[(close + 1)...]
                if let next = scalars.first, next != ".", next != "[" {
                    throw TemplateSyntaxError.syntax("\"${\(text)}\": expected \".\" or \"[\" after \"]\"")
                }
                if scalars.first == "." {
                    scalars = scalars.dropFirst()
                    expectName = true
                } else {
                    expectName = false
                }
            } else {
                throw TemplateSyntaxError.syntax("\"${\(text)}\" contains \"\(scalar)\"; names use letters, digits, _ and -")
            }
        }
        if !current.isEmpty {
            components.append(.key(current))
        } else if expectName {
            throw TemplateSyntaxError.syntax("\"${\(text)}\" ends with \".\"")
        }
        return components
    }

    static func referenceTrimmingSpaces(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

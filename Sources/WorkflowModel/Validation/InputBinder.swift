public import StrictJSON

/// Binds the values given to `cairn run` to a workflow's declared inputs.
public enum InputBinder {
    typealias Code = Diagnostic.Code.Input

    /// Splits one `--input NAME=VALUE` argument at its first `=`; `input.malformed` when there is
    /// none or the name is empty.
    public static func split(_ argument: String) -> Result<(name: String, text: String), Diagnostic> {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            return .failure(
                Diagnostic(
                    code: Code.malformed, pointer: "",
                    message: "--input needs NAME=VALUE, e.g. --input identifier=orders or --input regions='[\"eu-west-1\"]'"))
        }
        return .success((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
    }

    /// `provided` are (name, raw text) pairs from --input in order; for inputs declared `string` the
    /// text is taken literally, otherwise it is parsed as JSON (so `--input replicaRegions='["eu-west-1"]'`
    /// and `--input multiAZ=true` work). `file` is the parsed --input-file object (values already JSON);
    /// --input overrides the file. Applies defaults; checks types (and array item types), required
    /// inputs, unknown names (suggesting the closest), duplicates, and that the encoded input object is
    /// at most `Limits.payloadBytesMax`. Fails with every problem at once. The result lists inputs in declaration order; an optional
    /// input with no value and no default is `null`.
    public static func bind(specs: [InputSpec], provided: [(name: String, text: String)], file: JSONObject?)
        -> Result<JSONObject, Diagnostics>
    {
        var diagnostics: [Diagnostic] = []
        let names = specs.map(\.name)
        for member in file ?? JSONObject() where !names.contains(member.key) {
            diagnostics.append(unknown(member.key, source: "input \"\(member.key)\" in --input-file", names: names))
        }
        let arguments = parseArguments(provided, specs: specs, diagnostics: &diagnostics)
        var bound = JSONObject()
        for spec in specs {
            if let value = value(for: spec, arguments: arguments, file: file, diagnostics: &diagnostics) {
                bound[spec.name] = value
            }
        }
        let size = JSONValue.object(bound).canonicalBytes().count
        if diagnostics.isEmpty, size > Limits.payloadBytesMax {
            diagnostics.append(
                Diagnostic(
                    code: Code.tooLarge, pointer: "",
                    message:
                        "the inputs take \(size) bytes encoded; at most \(Limits.payloadBytesMax) are allowed: pass references (names, ARNs) instead of large values"
                ))
        }
        return diagnostics.isEmpty ? .success(bound) : .failure(Diagnostics(diagnostics))
    }

    /// The `--input` values by name; nil for one whose text was rejected (already reported).
    private static func parseArguments(
        _ provided: [(name: String, text: String)], specs: [InputSpec], diagnostics: inout [Diagnostic]
    ) -> [String: JSONValue?] {
        var values: [String: JSONValue?] = [:]
        for (name, text) in provided {
            guard values[name] == nil else {
                diagnostics.append(
                    Diagnostic(code: Code.duplicate, pointer: "", message: "--input \(name) is given more than once; give it once"))
                continue
            }
            guard let spec = specs.first(where: { $0.name == name }) else {
                diagnostics.append(unknown(name, source: "--input \(name)", names: specs.map(\.name)))
                values[name] = .some(nil)
                continue
            }
            switch parse(text, for: spec) {
            case .success(let value): values[name] = .some(value)
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                values[name] = .some(nil)
            }
        }
        return values
    }

    /// The bound value of `spec`: the argument, else the file's value, else the default, else null
    /// for an optional input. Nil when there is none to bind (reported).
    private static func value(
        for spec: InputSpec, arguments: [String: JSONValue?], file: JSONObject?, diagnostics: inout [Diagnostic]
    ) -> JSONValue? {
        let value: JSONValue
        let source: String
        if let argument = arguments[spec.name] {
            guard let argument else { return nil }
            (value, source) = (argument, "--input \(spec.name)")
        } else if let fromFile = file?[spec.name] {
            (value, source) = (fromFile, "input \"\(spec.name)\" in --input-file")
        } else if let defaultValue = spec.defaultValue {
            (value, source) = (defaultValue, "the default of \(spec.name)")
        } else if spec.isRequired {
            diagnostics.append(
                Diagnostic(
                    code: Code.missing, pointer: "",
                    message: "input \"\(spec.name)\" is required; give it with --input \(spec.name)=VALUE or in --input-file"))
            return nil
        } else {
            return .null
        }
        if let problem = typeProblem(value, spec: spec) {
            diagnostics.append(Diagnostic(code: Code.wrongType, pointer: "", message: "\(source) \(problem)"))
        }
        return value
    }

    /// The value of `--input NAME=TEXT`: the text itself for strings, a reference for `secretRef`
    /// inputs given as `env:NAME` and the like, JSON otherwise.
    static func parse(_ text: String, for spec: InputSpec) -> Result<JSONValue, Diagnostic> {
        if spec.type == .string { return .success(JSONValue.string(text)) }
        if spec.type == .secretRef, let reference = SecretReference(text: text) { return .success(reference.json) }
        do throws(JSONSyntaxError) {
            return .success(try JSONValue(parsing: Array(text.utf8), maxDepth: Limits.jsonDepthMax))
        } catch {
            if spec.type == .secretRef {
                // The parser's message quotes the text, which may be the secret itself.
                return .failure(
                    Diagnostic(
                        code: Code.invalidJSON, pointer: "",
                        message:
                            "--input \(spec.name) is declared secretRef, so it takes a reference, not a value: env:NAME, file:PATH, an AWS Secrets Manager ARN, or {\"secretRef\": \"...\"}"
                    ))
            }
            return .failure(
                Diagnostic(
                    code: Code.invalidJSON, pointer: "",
                    message:
                        "--input \(spec.name) is declared \(spec.type.rawValue), so its value is read as JSON, and it is not valid JSON (\(error.message)); write it like \(example(for: spec))"
                ))
        }
    }

    /// A correct `--input` for `spec`, shown after a parse error.
    private static func example(for spec: InputSpec) -> String {
        let value =
            switch spec.type {
            case .integer, .number: "3"
            case .boolean: "true"
            case .array: "'[\"eu-west-1\",\"ap-southeast-2\"]'"
            case .object: "'{\"key\":\"value\"}'"
            case .string, .any, .secretRef: "'\"text\"'"
            }
        return "--input \(spec.name)=\(value)"
    }

    /// Why `value` does not fit `spec`, or nil. Values are never quoted: they may be secrets.
    private static func typeProblem(_ value: JSONValue, spec: InputSpec) -> String? {
        guard spec.type.admits(value) else {
            if spec.type == .secretRef {
                return "must be a secret reference (env:NAME, file:PATH or an AWS Secrets Manager ARN), not a literal"
            }
            return "must be \(spec.type.rawValue), not \(value.article)"
        }
        guard let itemType = spec.itemType, case .array(let elements) = value else { return nil }
        if let index = elements.firstIndex(where: { !itemType.admits($0) }) {
            return "must be an array of \(itemType.rawValue); element \(index) is \(elements[index].article)"
        }
        return nil
    }

    private static func unknown(_ name: String, source: String, names: [String]) -> Diagnostic {
        Diagnostic(
            code: Code.unknown, pointer: "",
            message:
                "\(source): the workflow declares no input \"\(name)\"\(Suggestions.hint(for: name, among: names)); its inputs are \(Suggestions.list(names))"
        )
    }
}

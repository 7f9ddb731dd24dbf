import StrictJSON

extension DefinitionChecker {
    /// Checks an activity's `input` object against its type: unknown and missing fields, literal
    /// types, and secrets written out instead of referenced. Templated values are checked at run time.
    mutating func checkActivityInput(
        _ input: JSONObject, at pointer: JSONPointer, missingAt: JSONPointer, spec: ActivityTypeSpec, in what: String
    ) {
        let fieldNames = spec.fields.map(\.name)
        for member in input {
            let here = pointer.appending(member.key)
            if let field = spec.field(member.key) {
                checkField(member.value, field: field, at: here, activity: spec.name)
            } else if spec.acceptsOtherFields {
                checkUndeclaredField(member.key, member.value, at: here, activity: spec.name)
            } else {
                report(
                    Diagnostic.Code.Activity.unknownInputField, at: here, atKey: true,
                    "\(spec.name) has no input field \"\(member.key)\"\(Suggestions.hint(for: member.key, among: fieldNames)); its fields are \(fieldNames.joined(separator: ", "))"
                )
            }
        }
        let missing = spec.fields.filter { $0.isRequired && input[$0.name] == nil }.map(\.name)
        for name in missing {
            let summary = spec.field(name)?.summary ?? ""
            report(
                Diagnostic.Code.Activity.missingInputField, at: missingAt,
                "\(what) does not give \(spec.name)'s required input field \"\(name)\" (\(summary)); add it to \"input\"")
        }
    }

    private mutating func checkField(_ value: JSONValue, field: FieldSpec, at pointer: JSONPointer, activity: String) {
        if field.type == .secretRef {
            checkSecretField(value, field: field.name, at: pointer, activity: activity)
        } else {
            checkLiteral(value, type: field.type, itemType: field.itemType, at: pointer, field: field.name, activity: activity)
        }
    }

    /// Type-checks the literal parts of `value`; whole-string expressions take their type at run time.
    private mutating func checkLiteral(
        _ value: JSONValue, type: ValueType, itemType: ValueType?, at pointer: JSONPointer, field: String, activity: String
    ) {
        // Interpolated strings fall through: they are strings, whatever they contain.
        if case .string(let text) = value, case .expression? = TemplateParser.parsedString(text) { return }
        if case .array(let elements) = value, type == .array || type == .any {
            guard let itemType else { return }
            for (index, element) in elements.enumerated() {
                checkLiteral(element, type: itemType, itemType: nil, at: pointer.appending(index), field: field, activity: activity)
            }
            return
        }
        if case .object = value, type == .object || type == .any { return }
        guard !type.admits(value) else { return }
        let wanted = type == .integer ? "a whole number" : type.rawValue
        report(
            Diagnostic.Code.Activity.wrongInputType, at: pointer,
            "input field \"\(field)\" of \(activity) takes \(wanted), but this value is \(value.article)\(value.isInterpolated ? " (text around ${...} makes a string)" : ""); fix the value"
        )
    }

    /// A `secretRef` field accepts a reference, or an expression that yields one at run time.
    private mutating func checkSecretField(_ value: JSONValue, field: String, at pointer: JSONPointer, activity: String) {
        if SecretReference(json: value) != nil { return }
        switch value {
        case .string(let text):
            if case .expression(let expression)? = TemplateParser.parsedString(text) {
                guard case .input(let name) = expression.root, let type = inputTypes[name], type != .secretRef, type != .any
                else { return }
                reportSecret(
                    at: pointer, field: field, activity: activity,
                    extra: "declare input \"\(name)\" with \"type\": \"secretRef\" so callers pass a reference")
                return
            }
        case .object(let object):
            // A reference built from a template ({"secretRef": "env:${input.name}"}) is checked when evaluated.
            if object.count == 1, let text = object["secretRef"]?.stringValue, text.contains("${") { return }
        default:
            break
        }
        reportSecret(at: pointer, field: field, activity: activity, extra: nil)
    }

    /// Undeclared fields of free-form types: a literal string under a secret-sounding name is a leak.
    private mutating func checkUndeclaredField(_ name: String, _ value: JSONValue, at pointer: JSONPointer, activity: String) {
        let lowered = name.lowercased()
        guard lowered.contains("password") || lowered.contains("secret"), case .string(let text) = value,
            case .literal? = TemplateParser.parsedString(text)
        else { return }
        reportSecret(at: pointer, field: name, activity: activity, extra: nil)
    }

    /// Never quotes the value: it may be the secret itself.
    private mutating func reportSecret(at pointer: JSONPointer, field: String, activity: String, extra: String?) {
        var message =
            "input field \"\(field)\" of \(activity) holds a secret written into the file; passwords never go in workflow files; reference them: {\"secretRef\": \"env:NAME\"}, {\"secretRef\": \"file:/path\"} or {\"secretRef\": \"arn:aws:secretsmanager:...\"}"
        if let extra { message += "; \(extra)" }
        report(Diagnostic.Code.Activity.secretLiteral, at: pointer, message)
    }
}

extension JSONValue {
    /// Whether this is a string with text around `${...}` expressions.
    var isInterpolated: Bool {
        guard case .string(let text) = self, case .interpolated? = TemplateParser.parsedString(text) else {
            return false
        }
        return true
    }
}

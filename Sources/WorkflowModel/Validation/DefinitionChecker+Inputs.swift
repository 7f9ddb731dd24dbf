import StrictJSON

extension DefinitionChecker {
    /// The declarations under `inputs`, in file order; invalid ones are reported and left out.
    mutating func inputSpecs(_ value: JSONValue, at pointer: JSONPointer) -> [InputSpec] {
        guard case .object(let object) = value else {
            report(
                Code.wrongType, at: pointer,
                "\"inputs\" must be an object from input name to declaration, not \(value.article); e.g. \"inputs\": { \"identifier\": { \"type\": \"string\", \"required\": true } }"
            )
            return []
        }
        var specs: [InputSpec] = []
        for member in object {
            let here = pointer.appending(member.key)
            if !NameRules.isIdentifier(member.key) {
                report(
                    Code.invalidName, at: here, atKey: true,
                    "input name \"\(member.key)\" is not valid: start with a letter, then use letters, digits, \"_\" or \"-\", at most \(Limits.nameLengthMax) characters (it is written ${input.NAME})"
                )
            }
            if let spec = inputSpec(member.value, name: member.key, at: here) { specs.append(spec) }
        }
        return specs
    }

    private mutating func inputSpec(_ value: JSONValue, name: String, at pointer: JSONPointer) -> InputSpec? {
        let what = "input \"\(name)\""
        guard let object = members(of: value, at: pointer, known: WorkflowFields.inputSpec, in: what) else { return nil }
        let typeNames = ValueType.allCases.map(\.rawValue)
        let type = valueType("type", of: object, at: pointer, in: what)
        if object["type"] == nil {
            report(Code.missingField, at: pointer, "\(what) has no \"type\"; add one of \(typeNames.joined(separator: ", "))")
        }
        let itemType = valueType("items", of: object, at: pointer, in: what)
        if object["items"] != nil, let type, type != .array {
            report(
                Code.invalidInputSpec, at: pointer.appending("items"),
                "\(what) has \"items\" but its type is \(type.rawValue); \"items\" is only for arrays: remove it or make the type \"array\""
            )
        }
        let isRequired = bool("required", of: object, at: pointer, in: what) ?? false
        let description = string("description", of: object, at: pointer, in: what)
        let defaultValue = object["default"]
        if let defaultValue, let type {
            checkDefault(defaultValue, type: type, itemType: itemType, at: pointer.appending("default"), in: what)
        }
        if isRequired, defaultValue != nil {
            report(
                Code.invalidInputSpec, at: pointer.appending("required"),
                "\(what) is required and has a default, which never applies; remove \"default\" or \"required\"")
        }
        guard let type else { return nil }
        return InputSpec(
            name: name, type: type, itemType: itemType, isRequired: isRequired, defaultValue: defaultValue,
            description: description)
    }

    private mutating func valueType(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String) -> ValueType? {
        guard let text = string(key, of: object, at: pointer, in: what) else { return nil }
        let typeNames = ValueType.allCases.map(\.rawValue)
        guard let type = ValueType(rawValue: text) else {
            report(
                Code.invalidInputSpec, at: pointer.appending(key),
                "\"\(text)\" is not a type (\"\(key)\" of \(what))\(Suggestions.hint(for: text, among: typeNames)); use one of \(typeNames.joined(separator: ", "))"
            )
            return nil
        }
        return type
    }

    private mutating func checkDefault(
        _ value: JSONValue, type: ValueType, itemType: ValueType?, at pointer: JSONPointer, in what: String
    ) {
        guard type.admits(value) else {
            let advice =
                type == .secretRef
                ? "a secretRef default must be a reference such as {\"secretRef\": \"env:DB_PASSWORD\"}"
                : "give a default of type \(type.rawValue) or change the type"
            report(Code.invalidInputSpec, at: pointer, "the default of \(what) is \(value.article), not \(type.rawValue); \(advice)")
            return
        }
        guard let itemType, case .array(let elements) = value else { return }
        for (index, element) in elements.enumerated() where !itemType.admits(element) {
            report(
                Code.invalidInputSpec, at: pointer.appending(index),
                "element \(index) of the default of \(what) is \(element.article), not \(itemType.rawValue); fix the element or \"items\"")
        }
    }
}

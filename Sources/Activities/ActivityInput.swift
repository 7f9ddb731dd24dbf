import RDSCore
import StrictJSON
import Time
import WorkflowModel

/// A step's evaluated input, checked against the activity type's ``ActivityTypeSpec``: an object,
/// no unknown fields (unless the type accepts others), required fields present, literal types right.
/// `null` counts as absent, so a template that evaluates to null leaves an optional field unset.
struct ActivityInput {
    let spec: ActivityTypeSpec
    private let object: JSONObject

    init(_ input: JSONValue, type: String) throws {
        guard let spec = BuiltInActivityTypes.all.first(where: { $0.name == type }) else {
            preconditionFailure("no built-in spec for activity type \(type)")
        }
        self.spec = spec
        guard case .object(let object) = input else {
            throw Self.invalid("\(type) expects an object as input, found \(input.typeName)")
        }
        self.object = object
        for member in object where !member.value.isNull {
            guard let field = spec.field(member.key) else {
                if spec.acceptsOtherFields { continue }
                let known = spec.fields.map(\.name).joined(separator: ", ")
                throw Self.invalid("unknown field \(member.key) for \(type); it accepts: \(known)")
            }
            try Self.check(member.value, against: field)
        }
        for field in spec.fields where field.isRequired && (object[field.name] ?? .null).isNull {
            throw Self.invalid("missing required field \(field.name) for \(type)")
        }
    }

    /// An `InvalidInput` failure; input problems never heal on retry.
    static func invalid(_ details: String) -> ActivityFailure {
        ActivityFailure(reason: "InvalidInput", details: details, isNonRetryable: true)
    }

    private static func check(_ value: JSONValue, against field: FieldSpec) throws {
        guard field.type.admits(value) else {
            if field.type == .secretRef {
                // Never echo the value: it may be a literal password the author pasted in.
                throw invalid("field \(field.name) must be a secret reference such as {\"secretRef\": \"env:NAME\"}")
            }
            throw invalid("field \(field.name) must be \(article(field.type)), found \(value.typeName)")
        }
        if let itemType = field.itemType, let elements = value.arrayValue {
            for (index, element) in elements.enumerated() where !itemType.admits(element) {
                throw invalid("field \(field.name)[\(index)] must be \(article(itemType)), found \(element.typeName)")
            }
        }
    }

    private static func article(_ type: ValueType) -> String {
        switch type {
        case .integer: "an integer"
        case .array: "an array"
        case .object: "an object"
        case .any: "any value"
        case .secretRef: "a secret reference"
        default: "a \(type.rawValue)"
        }
    }

    /// The member `name` unless absent or null.
    func value(_ name: String) -> JSONValue? {
        guard let value = object[name], !value.isNull else { return nil }
        return value
    }

    func string(_ name: String) throws -> String {
        guard let text = value(name)?.stringValue else { throw Self.invalid("missing required field \(name) for \(spec.name)") }
        return text
    }

    func optionalString(_ name: String) -> String? { value(name)?.stringValue }

    func bool(_ name: String, default defaultValue: Bool) -> Bool { value(name)?.boolValue ?? defaultValue }

    func optionalBool(_ name: String) -> Bool? { value(name)?.boolValue }

    func int(_ name: String, default defaultValue: Int) throws -> Int {
        guard let number = value(name)?.integerValue else { return defaultValue }
        guard let integer = Int(exactly: number) else { throw Self.invalid("field \(name) is out of range") }
        return integer
    }

    func stringArray(_ name: String) -> [String]? { value(name)?.arrayValue?.compactMap(\.stringValue) }

    /// A duration field (`30s`, `5m`), at least `minimum`.
    func interval(_ name: String, default defaultValue: Interval? = nil, minimum: Interval = .zero) throws -> Interval {
        guard let text = optionalString(name) else {
            guard let defaultValue else { throw Self.invalid("missing required field \(name) for \(spec.name)") }
            return defaultValue
        }
        guard let interval = Interval(parsing: text) else {
            throw Self.invalid("field \(name) must be a duration such as 30s or 5m, found \"\(text)\"")
        }
        guard interval >= minimum else { throw Self.invalid("field \(name) must be at least \(minimum)") }
        return interval
    }

    func secretReference(_ name: String) -> SecretReference? { value(name).flatMap(SecretReference.init(json:)) }

    /// The step's own `tags` object as RDS tags. Keys in Cairn's `cairn:` namespace and AWS's `aws:`
    /// namespace are refused: the first would let a step forge ownership, the second RDS rejects.
    func stepTags() throws -> [Tag] {
        guard let object = value("tags")?.objectValue else { return [] }
        var tags: [Tag] = []
        for member in object {
            guard let text = member.value.stringValue else {
                throw Self.invalid("tag \(member.key) must have a string value, found \(member.value.typeName)")
            }
            guard !member.key.hasPrefix("cairn:"), !member.key.lowercased().hasPrefix("aws:") else {
                throw Self.invalid("tag \(member.key) is reserved: tags may not start with cairn: or aws:")
            }
            guard !member.key.isEmpty, member.key.count <= 128, text.count <= 256 else {
                throw Self.invalid("tag \(member.key) is too long: keys may have 128 characters and values 256")
            }
            tags.append(Tag(key: member.key, value: text))
        }
        return tags
    }
}

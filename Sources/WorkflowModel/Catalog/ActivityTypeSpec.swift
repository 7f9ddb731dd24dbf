/// What the validator and the engine know about an activity type without running it.
public struct ActivityTypeSpec: Sendable, Hashable {
    /// The type name, e.g. `rds.createInstance`.
    public var name: String
    /// One line for people.
    public var summary: String
    /// Declared input fields.
    public var fields: [FieldSpec]
    /// True when fields beyond ``fields`` are accepted (e.g. `noop`).
    public var acceptsOtherFields: Bool
    /// Members of the result that later steps may read; nil when the result is free-form.
    public var outputFields: [String]?
    /// Task list used when the step and the workflow name none.
    public var defaultTaskList: String
    /// Timeouts used when the step and the workflow set none.
    public var defaultTimeouts: ActivityTimeouts
    /// Failure reasons this type never retries, whatever the policy says.
    public var nonRetryableErrors: [String]

    /// Makes a spec.
    public init(
        name: String, summary: String, fields: [FieldSpec], acceptsOtherFields: Bool = false,
        outputFields: [String]?, defaultTaskList: String, defaultTimeouts: ActivityTimeouts,
        nonRetryableErrors: [String] = []
    ) {
        self.name = name
        self.summary = summary
        self.fields = fields
        self.acceptsOtherFields = acceptsOtherFields
        self.outputFields = outputFields
        self.defaultTaskList = defaultTaskList
        self.defaultTimeouts = defaultTimeouts
        self.nonRetryableErrors = nonRetryableErrors
    }

    /// The field named `name`.
    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }
}

/// One input field of an activity type.
public struct FieldSpec: Sendable, Hashable {
    /// The field's name in the step's `input`.
    public var name: String
    /// Its JSON type (checked for literal values; templated values are checked when evaluated).
    public var type: ValueType
    /// For arrays, the element type.
    public var itemType: ValueType?
    /// True when the step must give it.
    public var isRequired: Bool
    /// One line for people.
    public var summary: String

    /// Makes a field spec.
    public init(_ name: String, _ type: ValueType, itemType: ValueType? = nil, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.itemType = itemType
        self.isRequired = required
        self.summary = summary
    }
}

/// The activity types a workflow may name.
public struct ActivityCatalog: Sendable {
    /// The types, sorted by name.
    public let types: [ActivityTypeSpec]

    /// A catalog of `types`.
    public init(types: [ActivityTypeSpec]) {
        self.types = types.sorted { $0.name < $1.name }
    }

    /// The type named `name`.
    public func spec(_ name: String) -> ActivityTypeSpec? { types.first { $0.name == name } }

    /// The built-in types: `rds.*`, `db.resetUserPasswords`, `exec`, `sleep`, `noop`.
    public static let builtIn = ActivityCatalog(types: BuiltInActivityTypes.all)
}

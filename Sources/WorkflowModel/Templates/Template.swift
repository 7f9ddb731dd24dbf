public import StrictJSON

/// A JSON value whose strings may contain `${...}` expressions.
///
/// A string that is exactly one expression (`"${input.regions}"`) takes the referenced value with its
/// type; a string with text around expressions is interpolated into a string. `$${` writes a literal
/// `${`.
public indirect enum Template: Sendable, Hashable {
    /// A value with no expressions in it.
    case literal(JSONValue)
    /// A string that is exactly one expression; evaluates to the referenced value.
    case expression(Expression)
    /// A string mixing text and expressions; evaluates to a string.
    case interpolated([InterpolationPart])
    /// An array of templates.
    case array([Template])
    /// An object of templates, in file order.
    case object([TemplateMember])

    /// Every expression in this template, in order of appearance.
    public var expressions: [Expression] {
        switch self {
        case .literal: []
        case .expression(let expression): [expression]
        case .interpolated(let parts):
            parts.compactMap { if case .expression(let expression) = $0 { expression } else { nil } }
        case .array(let elements): elements.flatMap(\.expressions)
        case .object(let members): members.flatMap(\.value.expressions)
        }
    }
}

/// One member of an object template.
public struct TemplateMember: Sendable, Hashable {
    /// The member's key.
    public var key: String
    /// The member's template.
    public var value: Template

    /// Makes a member.
    public init(key: String, value: Template) {
        self.key = key
        self.value = value
    }
}

/// A piece of an interpolated string.
public enum InterpolationPart: Sendable, Hashable {
    case text(String)
    case expression(Expression)
}

/// A reference such as `input.identifier`, `steps.primary.output.arn`, `item.region` or `output.arn`.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// Where a reference starts.
    public enum Root: Sendable, Hashable {
        /// `input.NAME...`: a workflow input.
        case input(String)
        /// `steps.ID.output...`: the result of an earlier step (an array for `forEach` steps).
        case stepOutput(String)
        /// `item...`: the current element of a `forEach` step.
        case item
        /// `index`: the 0-based position of the current element.
        case index
        /// `output...`: in a compensation, the result of the instance being undone.
        case output
        /// `execution.id` or `execution.runId`.
        case execution(String)
    }

    /// One step into a value.
    public enum PathComponent: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// Where the reference starts.
    public var root: Root
    /// The path below the root.
    public var path: [PathComponent]
    /// The text as written, without `${` and `}`.
    public var source: String

    /// Makes an expression.
    public init(root: Root, path: [PathComponent], source: String) {
        self.root = root
        self.path = path
        self.source = source
    }

    public var description: String { "${\(source)}" }

    /// The step id this expression reads, if it reads a step's output.
    public var referencedStep: String? {
        if case .stepOutput(let id) = root { return id }
        return nil
    }
}

/// A `when` condition.
public indirect enum Condition: Sendable, Hashable {
    /// A template that must evaluate to a Boolean.
    case value(Template)
    /// True when both sides evaluate to equal JSON values.
    case equals(Template, Template)
    /// True when the sides differ.
    case notEquals(Template, Template)
    /// Negation.
    case not(Condition)
    /// True when every condition is true.
    case all([Condition])
    /// True when at least one condition is true.
    case any([Condition])

    /// Every expression the condition reads.
    public var expressions: [Expression] {
        switch self {
        case .value(let template): template.expressions
        case .equals(let left, let right), .notEquals(let left, let right): left.expressions + right.expressions
        case .not(let condition): condition.expressions
        case .all(let conditions), .any(let conditions): conditions.flatMap(\.expressions)
        }
    }
}

public import StrictJSON

extension Diagnostic {
    /// A stable code of workflow validation or input binding (`workflow.unknownField`, ...), or the code of the
    /// JSON syntax error that stopped validation (`json.*`, passed through unchanged). Listed in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable {
            case model(Model)
            case json(JSONSyntaxError.Code)
        }
        fileprivate enum Model: String, CaseIterable {
            case workflowTooLarge = "workflow.tooLarge"
            case workflowUnsupportedFormat = "workflow.unsupportedFormat"
            case workflowUnknownField = "workflow.unknownField"
            case workflowMissingField = "workflow.missingField"
            case workflowWrongType = "workflow.wrongType"
            case workflowInvalidName = "workflow.invalidName"
            case workflowDuplicateStepId = "workflow.duplicateStepId"
            case workflowTooManySteps = "workflow.tooManySteps"
            case workflowUnknownActivityType = "workflow.unknownActivityType"
            case workflowActivityOrTimer = "workflow.activityOrTimer"
            case workflowInvalidTemplate = "workflow.invalidTemplate"
            case workflowUnknownInput = "workflow.unknownInput"
            case workflowUnknownStep = "workflow.unknownStep"
            case workflowStepNotBefore = "workflow.stepNotBefore"
            case workflowSelfReference = "workflow.selfReference"
            case workflowItemOutsideForEach = "workflow.itemOutsideForEach"
            case workflowOutputOutsideCompensation = "workflow.outputOutsideCompensation"
            case workflowUnknownOutputField = "workflow.unknownOutputField"
            case workflowDependencyCycle = "workflow.dependencyCycle"
            case workflowInvalidDuration = "workflow.invalidDuration"
            case workflowRetryContradiction = "workflow.retryContradiction"
            case workflowTimeoutContradiction = "workflow.timeoutContradiction"
            case workflowUnboundedActivity = "workflow.unboundedActivity"
            case workflowInvalidInputSpec = "workflow.invalidInputSpec"
            case workflowInvalidConcurrency = "workflow.invalidConcurrency"
            case workflowForEachOnTimer = "workflow.forEachOnTimer"
            case workflowInvalidCondition = "workflow.invalidCondition"
            case activityUnknownInputField = "activity.unknownInputField"
            case activityMissingInputField = "activity.missingInputField"
            case activityWrongInputType = "activity.wrongInputType"
            case activitySecretLiteral = "activity.secretLiteral"
            case inputUnknown = "input.unknown"
            case inputMissing = "input.missing"
            case inputWrongType = "input.wrongType"
            case inputInvalidJSON = "input.invalidJSON"
            case inputDuplicate = "input.duplicate"
            case inputTooLarge = "input.tooLarge"
            case inputMalformed = "input.malformed"
        }
        fileprivate let value: Value

        fileprivate init(_ model: Model) { value = .model(model) }
        private init(value: Value) { self.value = value }

        /// The code of a JSON syntax error, as a diagnostic.
        public static func json(_ code: JSONSyntaxError.Code) -> Code { Code(value: .json(code)) }

        /// Every code validation and input binding make (not the `json.*` ones: see ``JSONSyntaxError/Code/all``).
        public static var all: [Code] { Model.allCases.map(Code.init) }
        public var description: String {
            switch value {
            case .model(let model): model.rawValue
            case .json(let code): code.description
            }
        }

        /// Codes about the workflow file's structure and meaning.
        public enum Workflow {
            /// The file is larger than `Limits.definitionBytesMax`.
            public static let tooLarge = Code(.workflowTooLarge)
            /// `format` is not `cairn.workflow/v1`.
            public static let unsupportedFormat = Code(.workflowUnsupportedFormat)
            /// An object has a member the format does not define.
            public static let unknownField = Code(.workflowUnknownField)
            /// A required member is absent.
            public static let missingField = Code(.workflowMissingField)
            /// A member has the wrong JSON type or a value outside its allowed set.
            public static let wrongType = Code(.workflowWrongType)
            /// A workflow name, step id, input name or task list breaks the naming rules.
            public static let invalidName = Code(.workflowInvalidName)
            /// Two steps share an id.
            public static let duplicateStepId = Code(.workflowDuplicateStepId)
            /// More than `Limits.stepsMax` steps.
            public static let tooManySteps = Code(.workflowTooManySteps)
            /// An activity type the catalog does not know.
            public static let unknownActivityType = Code(.workflowUnknownActivityType)
            /// A step names both `activity` and `timer`, or neither, or uses activity-only fields on a timer.
            public static let activityOrTimer = Code(.workflowActivityOrTimer)
            /// A template string that does not parse, or a `forEach` that is not one expression.
            public static let invalidTemplate = Code(.workflowInvalidTemplate)
            /// `${input.x}` where `x` is not declared.
            public static let unknownInput = Code(.workflowUnknownInput)
            /// `${steps.x...}` or `after` naming a step that does not exist.
            public static let unknownStep = Code(.workflowUnknownStep)
            /// A reference to a step that does not run before the referring one.
            public static let stepNotBefore = Code(.workflowStepNotBefore)
            /// A step reading its own output.
            public static let selfReference = Code(.workflowSelfReference)
            /// `${item}` or `${index}` where there is no current element.
            public static let itemOutsideForEach = Code(.workflowItemOutsideForEach)
            /// `${output}` outside a compensation's input.
            public static let outputOutsideCompensation = Code(.workflowOutputOutsideCompensation)
            /// A read of a step output member that the step cannot produce.
            public static let unknownOutputField = Code(.workflowUnknownOutputField)
            /// Steps that wait for each other.
            public static let dependencyCycle = Code(.workflowDependencyCycle)
            /// A duration that does not parse.
            public static let invalidDuration = Code(.workflowInvalidDuration)
            /// A retry policy whose values contradict each other or exceed the limits.
            public static let retryContradiction = Code(.workflowRetryContradiction)
            /// Effective timeouts that contradict each other.
            public static let timeoutContradiction = Code(.workflowTimeoutContradiction)
            /// An activity whose effective startToClose and scheduleToClose are both NONE.
            public static let unboundedActivity = Code(.workflowUnboundedActivity)
            /// An input declaration that contradicts itself.
            public static let invalidInputSpec = Code(.workflowInvalidInputSpec)
            /// A bad `concurrency`, or one without `forEach`.
            public static let invalidConcurrency = Code(.workflowInvalidConcurrency)
            /// `forEach` on a timer step.
            public static let forEachOnTimer = Code(.workflowForEachOnTimer)
            /// A `when` condition of the wrong shape.
            public static let invalidCondition = Code(.workflowInvalidCondition)
        }

        /// Codes about a step's activity input, checked against the activity type's spec.
        public enum Activity {
            /// A field the activity type does not take.
            public static let unknownInputField = Code(.activityUnknownInputField)
            /// A required field is absent.
            public static let missingInputField = Code(.activityMissingInputField)
            /// A literal value of the wrong JSON type.
            public static let wrongInputType = Code(.activityWrongInputType)
            /// A secret written into the file instead of referenced.
            public static let secretLiteral = Code(.activitySecretLiteral)
        }

        /// Codes of ``InputBinder`` (`cairn run --input`, `--input-file`).
        public enum Input {
            /// A value for an input the workflow does not declare.
            public static let unknown = Code(.inputUnknown)
            /// A required input without a value.
            public static let missing = Code(.inputMissing)
            /// A value of the wrong type.
            public static let wrongType = Code(.inputWrongType)
            /// `--input NAME=TEXT` where the input is not a string and TEXT is not JSON.
            public static let invalidJSON = Code(.inputInvalidJSON)
            /// The same `--input NAME` twice.
            public static let duplicate = Code(.inputDuplicate)
            /// The bound input object is larger than `Limits.payloadBytesMax`.
            public static let tooLarge = Code(.inputTooLarge)
            /// An `--input` argument without `=`.
            public static let malformed = Code(.inputMalformed)
        }
    }
}

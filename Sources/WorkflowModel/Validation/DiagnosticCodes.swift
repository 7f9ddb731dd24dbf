extension Diagnostic {
    /// The stable codes of workflow validation and input binding, as listed in `docs/error-codes.md`.
    /// JSON syntax codes (`json.*`) come from `JSONSyntaxError.Code` and are passed through unchanged.
    public enum Code {
        /// Codes about the workflow file's structure and meaning.
        public enum Workflow {
            /// The file is larger than `Limits.definitionBytesMax`.
            public static let tooLarge = "workflow.tooLarge"
            /// `format` is not `cairn.workflow/v1`.
            public static let unsupportedFormat = "workflow.unsupportedFormat"
            /// An object has a member the format does not define.
            public static let unknownField = "workflow.unknownField"
            /// A required member is absent.
            public static let missingField = "workflow.missingField"
            /// A member has the wrong JSON type or a value outside its allowed set.
            public static let wrongType = "workflow.wrongType"
            /// A workflow name, step id, input name or task list breaks the naming rules.
            public static let invalidName = "workflow.invalidName"
            /// Two steps share an id.
            public static let duplicateStepId = "workflow.duplicateStepId"
            /// More than `Limits.stepsMax` steps.
            public static let tooManySteps = "workflow.tooManySteps"
            /// An activity type the catalog does not know.
            public static let unknownActivityType = "workflow.unknownActivityType"
            /// A step names both `activity` and `timer`, or neither, or uses activity-only fields on a timer.
            public static let activityOrTimer = "workflow.activityOrTimer"
            /// A template string that does not parse, or a `forEach` that is not one expression.
            public static let invalidTemplate = "workflow.invalidTemplate"
            /// `${input.x}` where `x` is not declared.
            public static let unknownInput = "workflow.unknownInput"
            /// `${steps.x...}` or `after` naming a step that does not exist.
            public static let unknownStep = "workflow.unknownStep"
            /// A reference to a step that does not run before the referring one.
            public static let stepNotBefore = "workflow.stepNotBefore"
            /// A step reading its own output.
            public static let selfReference = "workflow.selfReference"
            /// `${item}` or `${index}` where there is no current element.
            public static let itemOutsideForEach = "workflow.itemOutsideForEach"
            /// `${output}` outside a compensation's input.
            public static let outputOutsideCompensation = "workflow.outputOutsideCompensation"
            /// A read of a step output member that the step cannot produce.
            public static let unknownOutputField = "workflow.unknownOutputField"
            /// Steps that wait for each other.
            public static let dependencyCycle = "workflow.dependencyCycle"
            /// A duration that does not parse.
            public static let invalidDuration = "workflow.invalidDuration"
            /// A retry policy whose values contradict each other or exceed the limits.
            public static let retryContradiction = "workflow.retryContradiction"
            /// Effective timeouts that contradict each other.
            public static let timeoutContradiction = "workflow.timeoutContradiction"
            /// An activity whose effective startToClose and scheduleToClose are both NONE.
            public static let unboundedActivity = "workflow.unboundedActivity"
            /// An input declaration that contradicts itself.
            public static let invalidInputSpec = "workflow.invalidInputSpec"
            /// A bad `concurrency`, or one without `forEach`.
            public static let invalidConcurrency = "workflow.invalidConcurrency"
            /// `forEach` on a timer step.
            public static let forEachOnTimer = "workflow.forEachOnTimer"
            /// A `when` condition of the wrong shape.
            public static let invalidCondition = "workflow.invalidCondition"

            /// Every workflow code, in documentation order.
            public static let all: [String] = [
                tooLarge, unsupportedFormat, unknownField, missingField, wrongType, invalidName, duplicateStepId,
                tooManySteps, unknownActivityType, activityOrTimer, invalidTemplate, unknownInput, unknownStep,
                stepNotBefore, selfReference, itemOutsideForEach, outputOutsideCompensation, unknownOutputField,
                dependencyCycle, invalidDuration, retryContradiction, timeoutContradiction, unboundedActivity,
                invalidInputSpec, invalidConcurrency, forEachOnTimer, invalidCondition,
            ]
        }

        /// Codes about a step's activity input, checked against the activity type's spec.
        public enum Activity {
            /// A field the activity type does not take.
            public static let unknownInputField = "activity.unknownInputField"
            /// A required field is absent.
            public static let missingInputField = "activity.missingInputField"
            /// A literal value of the wrong JSON type.
            public static let wrongInputType = "activity.wrongInputType"
            /// A secret written into the file instead of referenced.
            public static let secretLiteral = "activity.secretLiteral"

            /// Every activity code.
            public static let all: [String] = [unknownInputField, missingInputField, wrongInputType, secretLiteral]
        }

        /// Codes of ``InputBinder`` (`cairn run --input`, `--input-file`).
        public enum Input {
            /// A value for an input the workflow does not declare.
            public static let unknown = "input.unknown"
            /// A required input without a value.
            public static let missing = "input.missing"
            /// A value of the wrong type.
            public static let wrongType = "input.wrongType"
            /// `--input NAME=TEXT` where the input is not a string and TEXT is not JSON.
            public static let invalidJSON = "input.invalidJSON"
            /// The same `--input NAME` twice.
            public static let duplicate = "input.duplicate"
            /// The bound input object is larger than `Limits.payloadBytesMax`.
            public static let tooLarge = "input.tooLarge"
            /// An `--input` argument without `=`.
            public static let malformed = "input.malformed"

            /// Every input code.
            public static let all: [String] = [unknown, missing, wrongType, invalidJSON, duplicate, tooLarge, malformed]
        }
    }
}

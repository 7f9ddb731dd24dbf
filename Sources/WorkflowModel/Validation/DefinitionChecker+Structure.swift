import StrictJSON

/// What the structural pass learned about the whole workflow, for the passes that follow.
struct WorkflowDraft {
    /// The definition with placeholders wherever something was invalid (used only when nothing was).
    var definition: WorkflowDefinition
    /// Every name under `inputs`, valid or not, so a bad declaration is not also reported at each use.
    var inputNames: [String]
    /// The steps in file order.
    var steps: [StepDraft]
    /// Expressions in the workflow's `output`.
    var outputUses: [ExpressionUse]
}

extension DefinitionChecker {
    /// Checks the top level and everything under it; nil when the root is not an object.
    mutating func checkWorkflow() -> WorkflowDraft? {
        let top = JSONPointer.root
        let what = "the workflow"
        guard let object = members(of: root, at: top, known: WorkflowFields.topLevel, in: what) else { return nil }
        _ = string("$schema", of: object, at: top, in: what)
        checkFormat(object)
        let name = workflowName(object)
        let description = string("description", of: object, at: top, in: what)
        let inputs = object["inputs"].map { inputSpecs($0, at: top.appending("inputs")) } ?? []
        let inputNames = object["inputs"]?.objectValue?.keys ?? []
        inputTypes = Dictionary(inputs.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        let defaults = object["defaults"].map { stepDefaults($0, at: top.appending("defaults")) } ?? StepDefaults()
        let onFailure = failurePolicy("onFailure", of: object)
        let onCancel = failurePolicy("onCancel", of: object)
        let executionTimeout = duration("executionTimeout", of: object, at: top, in: what, allowsNone: true)
        let steps = checkSteps(object, defaults: defaults)
        var outputUses: [ExpressionUse] = []
        let output = object["output"].flatMap {
            template($0, at: top.appending("output"), place: .workflowOutput, uses: &outputUses)
        }
        let definition = WorkflowDefinition(
            name: name ?? "", description: description, inputs: inputs, defaults: defaults, onFailure: onFailure,
            onCancel: onCancel, executionTimeout: executionTimeout?.interval, steps: steps.map(\.step), output: output)
        return WorkflowDraft(definition: definition, inputNames: inputNames, steps: steps, outputUses: outputUses)
    }

    private mutating func checkFormat(_ object: JSONObject) {
        let hint = "\"format\": \"\(WorkflowDefinition.formatV1)\""
        guard required("format", of: object, at: .root, in: "the workflow", hint: hint) != nil,
            let format = string("format", of: object, at: .root, in: "the workflow"),
            format != WorkflowDefinition.formatV1
        else { return }
        report(
            Diagnostic.Code.Workflow.unsupportedFormat, at: JSONPointer.root.appending("format"),
            "format \"\(format)\" is not supported; this version of Cairn reads \"\(WorkflowDefinition.formatV1)\" only")
    }

    private mutating func workflowName(_ object: JSONObject) -> String? {
        guard required("name", of: object, at: .root, in: "the workflow", hint: "e.g. \"name\": \"multi-region-rollout\"") != nil,
            let name = string("name", of: object, at: .root, in: "the workflow")
        else { return nil }
        guard NameRules.isWorkflowName(name) else {
            report(
                Code.invalidName, at: JSONPointer.root.appending("name"),
                "workflow name \"\(name)\" is not valid: start with a letter, then use letters, digits, \"_\", \".\" or \"-\", at most \(Limits.nameLengthMax) characters"
            )
            return nil
        }
        return name
    }

    private mutating func failurePolicy(_ key: String, of object: JSONObject) -> FailurePolicy {
        guard let text = string(key, of: object, at: .root, in: "the workflow") else { return .halt }
        guard let policy = FailurePolicy(rawValue: text) else {
            let choices = FailurePolicy.allCases.map(\.rawValue)
            report(
                Code.wrongType, at: JSONPointer.root.appending(key),
                "\"\(key)\" must be \"halt\" or \"rollback\", not \"\(text)\"\(Suggestions.hint(for: text, among: choices))")
            return .halt
        }
        return policy
    }

    private mutating func stepDefaults(_ value: JSONValue, at pointer: JSONPointer) -> StepDefaults {
        let what = "\"defaults\""
        guard let object = members(of: value, at: pointer, known: WorkflowFields.defaults, in: what) else {
            return StepDefaults()
        }
        return StepDefaults(
            retry: object["retry"].flatMap { retryPolicy($0, at: pointer.appending("retry"), in: "the workflow defaults") },
            timeouts: object["timeouts"].map {
                timeoutOverrides($0, at: pointer.appending("timeouts"), in: "the workflow defaults")
            } ?? TimeoutOverrides(),
            taskList: taskList(of: object, at: pointer, in: what))
    }
}

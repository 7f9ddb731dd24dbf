import StrictJSON
import Time

/// One step as the structural pass left it, with what the later passes need.
struct StepDraft {
    /// The step with placeholders wherever something was invalid.
    var step: Step
    /// Where the step is in the file.
    var pointer: JSONPointer
    /// True for a timer step (has `timer` and no `activity`).
    var isTimer = false
    /// The activity type's spec, when it is known.
    var spec: ActivityTypeSpec?
    /// The compensation's activity type spec, when it is known.
    var compensationSpec: ActivityTypeSpec?
    /// Every expression the step's templates use.
    var uses: [ExpressionUse] = []
    /// How messages name the step.
    var phrase: String
}

extension DefinitionChecker {
    /// Checks `steps`; returns a draft for each step that is an object.
    mutating func checkSteps(_ object: JSONObject, defaults: StepDefaults) -> [StepDraft] {
        let pointer = JSONPointer.root.appending("steps")
        guard let value = required("steps", of: object, at: .root, in: "the workflow", hint: "an array of steps") else {
            return []
        }
        guard case .array(let elements) = value else {
            report(Code.wrongType, at: pointer, "\"steps\" must be an array of steps, not \(value.article)")
            return []
        }
        if elements.isEmpty {
            report(Code.missingField, at: pointer, "\"steps\" is empty; a workflow needs at least one step")
        }
        if elements.count > Limits.stepsMax {
            report(
                Code.tooManySteps, at: pointer,
                "the workflow has \(elements.count) steps; at most \(Limits.stepsMax) are allowed: split it into several workflows or use forEach"
            )
        }
        var firstById: [String: JSONPointer] = [:]
        var drafts: [StepDraft] = []
        for (index, element) in elements.enumerated() {
            if let draft = checkStep(element, at: pointer.appending(index), firstById: &firstById) { drafts.append(draft) }
        }
        return drafts
    }

    private mutating func checkStep(_ value: JSONValue, at pointer: JSONPointer, firstById: inout [String: JSONPointer])
        -> StepDraft?
    {
        let what = value["id"]?.stringValue.map { "step \"\($0)\"" } ?? "the step at \(pointer)"
        guard let object = members(of: value, at: pointer, known: WorkflowFields.step, in: what) else { return nil }
        let id = stepId(object, at: pointer, in: what, firstById: &firstById)
        var draft = StepDraft(step: Step(id: id, kind: .timer(duration: .zero)), pointer: pointer, phrase: what)
        draft.step.description = string("description", of: object, at: pointer, in: what)
        checkKind(object, into: &draft)
        draft.step.after = strings("after", of: object, at: pointer, in: what)
        checkLoop(object, into: &draft)
        if let when = object["when"] {
            draft.step.when = condition(when, at: pointer.appending("when"), uses: &draft.uses, in: what)
        }
        draft.step.retry = object["retry"].flatMap { retryPolicy($0, at: pointer.appending("retry"), in: what) }
        draft.step.timeouts =
            object["timeouts"].map {
                timeoutOverrides($0, at: pointer.appending("timeouts"), in: what)
            } ?? TimeoutOverrides()
        draft.step.taskList = taskList(of: object, at: pointer, in: what)
        if let value = object["compensation"], !draft.isTimer {
            checkCompensation(value, at: pointer.appending("compensation"), into: &draft)
        }
        return draft
    }

    /// The step's id; a placeholder (`#N`, which no reference can name) when missing or a repeat.
    private mutating func stepId(
        _ object: JSONObject, at pointer: JSONPointer, in what: String, firstById: inout [String: JSONPointer]
    ) -> String {
        let placeholder = "#\(pointer.tokens.last ?? "")"
        guard required("id", of: object, at: pointer, in: what, hint: "a unique name such as \"createPrimary\"") != nil,
            let id = string("id", of: object, at: pointer, in: what)
        else { return placeholder }
        let here = pointer.appending("id")
        if !NameRules.isIdentifier(id) {
            report(
                Code.invalidName, at: here,
                "step id \"\(id)\" is not valid: start with a letter, then use letters, digits, \"_\" or \"-\", at most \(Limits.nameLengthMax) characters"
            )
        }
        if let first = firstById[id] {
            report(
                Code.duplicateStepId, at: here,
                "step id \"\(id)\" is already used by the step on \(place(of: first)); step ids must be unique: rename one of them")
            return placeholder
        }
        firstById[id] = here
        return id
    }

    /// `activity` or `timer`, the activity's input, and fields a timer must not have.
    private mutating func checkKind(_ object: JSONObject, into draft: inout StepDraft) {
        let pointer = draft.pointer
        let what = draft.phrase
        let hasActivity = object["activity"] != nil
        let hasTimer = object["timer"] != nil
        if hasActivity, hasTimer {
            report(
                Code.activityOrTimer, at: pointer.appending("timer"), atKey: true,
                "\(what) has both \"activity\" and \"timer\"; a step either runs an activity or waits on a timer: remove one")
        } else if !hasActivity, !hasTimer {
            report(
                Code.activityOrTimer, at: pointer,
                "\(what) has neither \"activity\" nor \"timer\"; add \"activity\": \"TYPE\" to run an activity or \"timer\": \"5m\" to wait"
            )
        }
        draft.isTimer = hasTimer && !hasActivity
        guard !draft.isTimer else {
            let interval = duration("timer", of: object, at: pointer, in: what, allowsNone: false)?.interval
            draft.step.kind = .timer(duration: interval ?? .zero)
            for key in WorkflowFields.activityOnly where object[key] != nil {
                report(
                    Code.activityOrTimer, at: pointer.appending(key), atKey: true,
                    "timer \(what) has \"\(key)\", which only activity steps use; remove it, or replace \"timer\" with an activity")
            }
            return
        }
        draft.spec = hasActivity ? activityType(of: object, at: pointer, in: what) : nil
        let input = activityInput(
            object["input"], at: pointer, spec: draft.spec, place: .stepInput, uses: &draft.uses, in: what)
        draft.step.kind = .activity(type: draft.spec?.name ?? "", input: input)
    }

    /// The input template of an activity step or compensation, checked against `spec` when known.
    private mutating func activityInput(
        _ value: JSONValue?, at owner: JSONPointer, spec: ActivityTypeSpec?, place: TemplatePlace,
        uses: inout [ExpressionUse], in what: String
    ) -> Template {
        let empty = Template.literal(.object(JSONObject()))
        let pointer = owner.appending("input")
        guard let value else {
            if let spec { checkActivityInput(JSONObject(), at: pointer, missingAt: owner, spec: spec, in: what) }
            return empty
        }
        guard case .object(let object) = value else {
            report(Code.wrongType, at: pointer, "\"input\" of \(what) must be an object of fields, not \(value.article)")
            return empty
        }
        let input = template(value, at: pointer, place: place, uses: &uses)
        if let spec { checkActivityInput(object, at: pointer, missingAt: pointer, spec: spec, in: what) }
        return input ?? empty
    }

    /// The activity type named by member `activity`, reporting unknown names with a suggestion.
    private mutating func activityType(of object: JSONObject, at pointer: JSONPointer, in what: String) -> ActivityTypeSpec? {
        guard let name = string("activity", of: object, at: pointer, in: what) else { return nil }
        if let spec = catalog.spec(name) { return spec }
        let names = catalog.types.map(\.name)
        // A type written without its prefix ("createInstance") is the likeliest slip after a typo.
        let suggestion = Suggestions.closest(to: name, among: names) ?? names.first { $0.hasSuffix(".\(name)") }
        let advice = suggestion.map { "did you mean \"\($0)\"? " } ?? ""
        report(
            Code.unknownActivityType, at: pointer.appending("activity"),
            "unknown activity type \"\(name)\" in \(what); \(advice)Known types: \(names.joined(separator: ", "))")
        return nil
    }

    /// `forEach` and `concurrency`.
    private mutating func checkLoop(_ object: JSONObject, into draft: inout StepDraft) {
        let pointer = draft.pointer
        if let value = object["forEach"] {
            let here = pointer.appending("forEach")
            if draft.isTimer {
                report(
                    Code.forEachOnTimer, at: here, atKey: true,
                    "timer \(draft.phrase) has \"forEach\"; a timer waits once: remove \"forEach\", or loop over an activity such as \"sleep\""
                )
            } else if case .string = value {
                draft.step.forEach = singleExpression(value, at: here, place: .forEach, uses: &draft.uses)
            } else {
                report(
                    Code.wrongType, at: here,
                    "\"forEach\" of \(draft.phrase) must be a string holding one \"${...}\" expression, not \(value.article)")
            }
        }
        guard let value = object["concurrency"] else { return }
        let here = pointer.appending("concurrency")
        guard value.numberValue != nil else {
            report(Code.wrongType, at: here, "\"concurrency\" of \(draft.phrase) must be a whole number, not \(value.article)")
            return
        }
        guard let count = value.integerValue, count >= 1 else {
            report(
                Code.invalidConcurrency, at: here,
                "\"concurrency\" of \(draft.phrase) must be a whole number of at least 1 (leave it out for no limit)")
            return
        }
        guard object["forEach"] != nil else {
            report(
                Code.invalidConcurrency, at: here,
                "\(draft.phrase) has \"concurrency\" but no \"forEach\"; concurrency limits how many forEach instances run at once: add \"forEach\" or remove it"
            )
            return
        }
        draft.step.concurrency = Int(clamping: count)
    }

    private mutating func checkCompensation(_ value: JSONValue, at pointer: JSONPointer, into draft: inout StepDraft) {
        let what = "the compensation of \(draft.phrase)"
        guard let object = members(of: value, at: pointer, known: WorkflowFields.compensation, in: what) else { return }
        _ = required("activity", of: object, at: pointer, in: what, hint: "the activity that undoes the step, e.g. \"rds.deleteInstance\"")
        let spec = activityType(of: object, at: pointer, in: what)
        let input = activityInput(
            object["input"], at: pointer, spec: spec, place: .compensationInput, uses: &draft.uses, in: what)
        draft.compensationSpec = spec
        draft.step.compensation = Compensation(
            activity: spec?.name ?? "", input: input,
            retry: object["retry"].flatMap { retryPolicy($0, at: pointer.appending("retry"), in: what) },
            timeouts: object["timeouts"].map {
                timeoutOverrides($0, at: pointer.appending("timeouts"), in: what)
            } ?? TimeoutOverrides())
    }
}

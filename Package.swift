// swift-tools-version:6.2
import PackageDescription

// Cairn: a durable, SWF-style workflow engine built with the Swift toolchain alone.
// Layers run bottom-up: pure leaves (JSON, hashing, model, decider), then storage and I/O,
// then the engine and activities, then the CLI. Nothing depends on WorkflowCLI.

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .executable(name: "cairn-bench", targets: ["CairnBench"]),
    ],
    targets: [
        // MARK: Pure leaves

        /// JSON values, a strict parser that records source positions, JSON pointers, canonical encoding,
        /// and Codable coders over JSON values (fast history decoding without Foundation's JSONDecoder).
        .target(name: "StrictJSON", exclude: ["README.md"]),
        /// SHA-256, HMAC-SHA256 and CRC-32C, written from the specifications.
        .target(name: "Hashing", exclude: ["README.md"]),
        /// Timestamps, intervals and the injected wall clock: what the model, the engine and the RDS
        /// modules share about time.
        .target(name: "Time", exclude: ["README.md"]),
        /// AWS Signature Version 4 (header and query signing), credentials, and the percent encodings
        /// AWS and botocore use.
        .target(name: "AWSSigning", dependencies: ["Hashing"], exclude: ["README.md"]),
        /// Where AWS tools find credentials, region and endpoints: environment variables and the shared
        /// `~/.aws/credentials` and `~/.aws/config` files.
        .target(name: "AWSConfiguration", dependencies: ["AWSSigning"], exclude: ["README.md"]),

        // MARK: Model and decider (pure: no clock, randomness or I/O)

        /// Workflow definitions, validation, templates, history events, decisions, limits.
        .target(name: "WorkflowModel", dependencies: ["StrictJSON", "Time", "Hashing"], exclude: ["README.md"]),
        /// (definition, history) -> decisions.
        .target(name: "WorkflowDecider", dependencies: ["WorkflowModel", "Time", "StrictJSON"], exclude: ["README.md"]),

        /// One execution as a pure state machine: input -> (events, actions); task tokens; the retry decision.
        .target(name: "ExecutionCore", dependencies: ["WorkflowModel", "Time", "WorkflowDecider", "StrictJSON"], exclude: ["README.md"]),

        // MARK: Storage

        /// Thin POSIX wrappers behind the DurableFileSystem protocol.
        .target(name: "SystemIO", exclude: ["README.md"]),
        /// Append-only, checksummed history files; recovery; the state-directory lock.
        .target(
            name: "HistoryStore", dependencies: ["WorkflowModel", "Time", "SystemIO", "Hashing", "StrictJSON"],
            exclude: ["README.md"]),
        /// The state directory's layout, lock, leftovers of interrupted writes and queued cancel requests,
        /// through DurableFileSystem.
        .target(name: "StateDirectory", dependencies: ["HistoryStore", "SystemIO", "StrictJSON", "Time"], exclude: ["README.md"]),

        // MARK: Runtime

        /// The engine: executions, decision rounds, task lists, worker pool, timers, timeouts, retries.
        .target(
            name: "WorkflowEngine",
            dependencies: ["ExecutionCore", "WorkflowModel", "Time", "WorkflowDecider", "HistoryStore", "StrictJSON"],
            exclude: ["README.md"]),

        // MARK: RDS and activities

        /// The RDS provider interface and its value types.
        .target(name: "RDSCore", dependencies: ["Time"], exclude: ["README.md"]),
        /// The embedded RDS simulator: durable state, status timeline, fault injection, secret store.
        .target(name: "RDSSimulator", dependencies: ["RDSCore", "Time", "SystemIO", "Hashing"], exclude: ["README.md"]),
        /// The real RDS provider: the Query API over HTTPS with SigV4, XML responses, retries, and the
        /// Secrets Manager calls Cairn needs.
        .target(
            name: "AWSRDS",
            dependencies: ["RDSCore", "AWSSigning", "AWSConfiguration", "Time", "StrictJSON"], exclude: ["README.md"]),
        /// Database users over a real connection: a PostgreSQL administrator that drives `psql`.
        .target(name: "DatabaseAdministration", dependencies: ["RDSCore", "Hashing", "SystemIO"], exclude: ["README.md"]),
        /// Built-in activities: rds.*, db.resetUserPasswords, exec, sleep, noop.
        .target(name: "Activities", dependencies: ["RDSCore", "WorkflowModel", "Time", "StrictJSON", "SystemIO"], exclude: ["README.md"]),

        // MARK: Command line

        /// The `cairn` subcommands, argument parsing and terminal progress.
        .target(
            name: "WorkflowCLI",
            dependencies: [
                "WorkflowModel", "Time", "WorkflowDecider", "SystemIO", "HistoryStore", "StateDirectory", "WorkflowEngine",
                "RDSCore", "RDSSimulator", "Activities", "StrictJSON", "AWSRDS", "AWSConfiguration",
                "DatabaseAdministration",
            ],
            exclude: ["README.md"]
        ),
        /// The executable: calls WorkflowCLI and exits with its code.
        .executableTarget(name: "cairn", dependencies: ["WorkflowCLI"], exclude: ["README.md"]),
        /// `make bench`: the performance workloads (W0-W5) on the real engine and disk; not a test.
        .executableTarget(
            name: "CairnBench",
            dependencies: ["WorkflowModel", "WorkflowDecider", "SystemIO", "HistoryStore", "WorkflowEngine", "StrictJSON"],
            exclude: ["README.md"]
        ),

        // MARK: Test support

        /// Pure test support: histories built by hand or read from fixture files without the store, and a
        /// seeded generator. No engine, store or clock, so the decider's tests and the leaves' tests link
        /// only what they test.
        .target(name: "HistoryTesting", dependencies: ["WorkflowModel", "WorkflowDecider", "StrictJSON", "Time"], exclude: ["README.md"]),
        /// Manual clock, in-memory and fault-injecting file system, engine notification recorder.
        .target(
            name: "EngineTesting", dependencies: ["HistoryTesting", "WorkflowModel", "Time", "SystemIO", "WorkflowEngine"],
            exclude: ["README.md"]),
        /// Records the golden histories by running the real engine, activities and RDS simulator on an
        /// in-memory file system and a manual clock (the `GoldenHistoryTests` target drives it).
        .target(
            name: "GoldenRecording",
            dependencies: [
                "Activities", "EngineTesting", "Hashing", "HistoryStore", "HistoryTesting", "RDSSimulator", "StrictJSON", "SystemIO",
                "Time", "WorkflowEngine", "WorkflowModel",
            ],
            exclude: ["README.md"]
        ),

        /// The parsers' fuzz functions: `make fuzz` drives them with libFuzzer (`Fuzz/*.swift`), `make test`
        /// replays the committed corpus through them.
        .target(name: "FuzzTargets", dependencies: ["WorkflowModel", "HistoryStore"], exclude: ["README.md"]),

        /// Loopback stand-ins for AWS: a scripted, fault-injecting HTTP server and a moto_server launcher.
        .target(name: "AWSTesting", exclude: ["README.md"]),
        /// A throwaway PostgreSQL server on 127.0.0.1 for the tests that reset database users.
        .target(name: "DatabaseTesting", dependencies: ["DatabaseAdministration"], exclude: ["README.md"]),

        // MARK: Tests

        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON", "HistoryTesting"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "HistoryTesting"]),
        .testTarget(name: "AWSSigningTests", dependencies: ["AWSSigning", "Hashing"]),
        .testTarget(name: "AWSConfigurationTests", dependencies: ["AWSConfiguration", "AWSSigning"]),
        .testTarget(
            name: "AWSRDSTests",
            dependencies: ["AWSRDS", "AWSSigning", "AWSTesting", "RDSCore", "Time", "WorkflowModel", "Activities", "StrictJSON"]),
        .testTarget(name: "AWSTestingTests", dependencies: ["AWSTesting"]),
        .testTarget(
            name: "DatabaseAdministrationTests", dependencies: ["DatabaseAdministration", "DatabaseTesting", "RDSCore", "Hashing"]),
        .testTarget(name: "TimeTests", dependencies: ["Time"]),
        .testTarget(name: "WorkflowModelTests", dependencies: ["WorkflowModel", "Time", "StrictJSON"]),
        // The decider's tests link no runtime: goldens are read from their files (HistoryTesting).
        .testTarget(
            name: "WorkflowDeciderTests", dependencies: ["WorkflowDecider", "WorkflowModel", "StrictJSON", "HistoryTesting", "Time"],
            exclude: ["Fixtures"]),
        /// The golden histories against the real engine (re-recorded and compared byte for byte) and the
        /// store (scanned); the negative fixtures derived from them.
        .testTarget(
            name: "GoldenHistoryTests",
            dependencies: [
                "GoldenRecording", "HistoryTesting", "HistoryStore", "WorkflowDecider", "WorkflowModel", "StrictJSON", "Hashing", "Time",
            ]),
        .testTarget(name: "SystemIOTests", dependencies: ["SystemIO", "EngineTesting", "HistoryTesting"]),
        .testTarget(
            name: "StateDirectoryTests",
            dependencies: ["StateDirectory", "HistoryStore", "SystemIO", "Time", "StrictJSON", "EngineTesting"]),
        .testTarget(
            name: "HistoryStoreTests",
            dependencies: ["HistoryStore", "SystemIO", "WorkflowModel", "StrictJSON", "EngineTesting", "HistoryTesting", "Hashing", "Time"]),
        .testTarget(
            name: "ExecutionCoreTests", dependencies: ["ExecutionCore", "WorkflowDecider", "WorkflowModel", "StrictJSON", "Time", "HistoryTesting"]),
        .testTarget(
            name: "WorkflowEngineTests",
            dependencies: [
                "WorkflowEngine", "ExecutionCore", "WorkflowDecider", "WorkflowModel", "HistoryStore", "SystemIO", "StrictJSON",
                "EngineTesting", "HistoryTesting", "Time",
            ]),
        .testTarget(name: "RDSSimulatorTests", dependencies: ["RDSSimulator", "RDSCore", "SystemIO", "EngineTesting", "WorkflowModel", "Time"]),
        .testTarget(
            name: "ActivitiesTests",
            dependencies: ["Activities", "RDSSimulator", "RDSCore", "EngineTesting", "WorkflowModel", "Time", "StrictJSON"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
        .testTarget(
            name: "WorkflowCLITests", dependencies: ["WorkflowCLI", "StrictJSON", "WorkflowEngine", "WorkflowModel", "Time"]),
        // Compares every error type's Code.all with docs/error-codes.md, and looks in Sources/ for what creates each code.
        .testTarget(
            name: "ErrorCodesTests",
            dependencies: [
                "AWSConfiguration", "AWSRDS", "Activities", "ExecutionCore", "RDSCore", "RDSSimulator", "StateDirectory", "StrictJSON",
                "SystemIO", "WorkflowDecider", "WorkflowEngine", "WorkflowModel", "HistoryStore",
            ]),
        // Reads the sources and Package.swift (make lint runs it alone): short functions, and docs/architecture.md's
        // module graph equal to the declared dependencies, each of which some file imports. Links nothing of Cairn.
        .testTarget(name: "SourceRulesTests"),
        // Spawns the built `cairn` binary (make test builds it first); links only the seeded generator.
        .testTarget(name: "EndToEndTests", dependencies: ["HistoryTesting", "AWSTesting", "DatabaseTesting"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // Release builds (make bench) optimize across modules: the hot path crosses StrictJSON, WorkflowModel,
    // HistoryStore and WorkflowEngine, and generic or small functions in one are otherwise called, not
    // specialized or inlined, from the next. W1 spent ~10% less CPU outside fsync with it.
    if target.type != .test {
        settings.append(.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)))
    }
    target.swiftSettings = settings
}

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
        .target(name: "StrictJSON"),
        /// SHA-256, HMAC-SHA256 and CRC-32C, written from the specifications.
        .target(name: "Hashing"),
        /// Timestamps, intervals and the injected wall clock: what the model, the engine and the RDS
        /// modules share about time.
        .target(name: "Time"),
        /// AWS Signature Version 4 (header and query signing), credentials, and the percent encodings
        /// AWS and botocore use.
        .target(name: "AWSSigning", dependencies: ["Hashing"]),
        /// Where AWS tools find credentials, region and endpoints: environment variables and the shared
        /// `~/.aws/credentials` and `~/.aws/config` files.
        .target(name: "AWSConfiguration", dependencies: ["AWSSigning"]),

        // MARK: Model and decider (pure: no clock, randomness or I/O)

        /// Workflow definitions, validation, templates, history events, decisions, limits.
        .target(name: "WorkflowModel", dependencies: ["StrictJSON", "Time", "Hashing"]),
        /// (definition, history) -> decisions.
        .target(name: "WorkflowDecider", dependencies: ["WorkflowModel", "Time", "StrictJSON"]),

        // MARK: Storage

        /// Thin POSIX wrappers behind the DurableFileSystem protocol.
        .target(name: "SystemIO"),
        /// Append-only, checksummed history files; recovery; the state-directory lock.
        .target(name: "HistoryStore", dependencies: ["WorkflowModel", "Time", "SystemIO", "Hashing", "StrictJSON"]),
        /// The state directory's layout, lock, leftovers of interrupted writes and queued cancel requests,
        /// through DurableFileSystem.
        .target(name: "StateDirectory", dependencies: ["HistoryStore", "SystemIO", "StrictJSON", "Time"]),

        // MARK: Runtime

        /// The engine: executions, decision rounds, task lists, worker pool, timers, timeouts, retries.
        .target(name: "WorkflowEngine", dependencies: ["WorkflowModel", "Time", "WorkflowDecider", "HistoryStore", "StrictJSON"]),

        // MARK: RDS and activities

        /// The RDS provider interface and its value types.
        .target(name: "RDSCore", dependencies: ["Time"]),
        /// The embedded RDS simulator: durable state, status timeline, fault injection, secret store.
        .target(name: "RDSSimulator", dependencies: ["RDSCore", "Time", "SystemIO", "Hashing"]),
        /// The real RDS provider: the Query API over HTTPS with SigV4, XML responses, retries, and the
        /// Secrets Manager calls Cairn needs.
        .target(
            name: "AWSRDS",
            dependencies: ["RDSCore", "AWSSigning", "AWSConfiguration", "Time", "StrictJSON"]),
        /// Database users over a real connection: a PostgreSQL administrator that drives `psql`.
        .target(name: "DatabaseAdministration", dependencies: ["RDSCore", "Hashing"]),
        /// Built-in activities: rds.*, db.resetUserPasswords, exec, sleep, noop.
        .target(name: "Activities", dependencies: ["RDSCore", "WorkflowModel", "Time", "StrictJSON"]),

        // MARK: Command line

        /// The `cairn` subcommands, argument parsing and terminal progress.
        .target(
            name: "WorkflowCLI",
            dependencies: [
                "WorkflowModel", "Time", "WorkflowDecider", "SystemIO", "HistoryStore", "StateDirectory", "WorkflowEngine",
                "RDSCore", "RDSSimulator", "Activities", "StrictJSON", "AWSRDS", "AWSConfiguration",
                "DatabaseAdministration",
            ]
        ),
        /// The executable: calls WorkflowCLI and exits with its code.
        .executableTarget(name: "cairn", dependencies: ["WorkflowCLI"]),
        /// `make bench`: the performance workloads (W0-W5) on the real engine and disk; not a test.
        .executableTarget(
            name: "CairnBench",
            dependencies: ["WorkflowModel", "WorkflowDecider", "SystemIO", "HistoryStore", "WorkflowEngine", "StrictJSON"]
        ),

        // MARK: Test support

        /// Manual clock, in-memory and fault-injecting file system, history builder.
        .target(
            name: "EngineTesting",
            dependencies: ["WorkflowModel", "Time", "WorkflowDecider", "SystemIO", "WorkflowEngine", "StrictJSON"]
        ),

        /// The parsers' fuzz functions: `make fuzz` drives them with libFuzzer (`Fuzz/*.swift`), `make test`
        /// replays the committed corpus through them.
        .target(name: "FuzzTargets", dependencies: ["WorkflowModel", "HistoryStore"]),

        /// Loopback stand-ins for AWS: a scripted, fault-injecting HTTP server and a moto_server launcher.
        .target(name: "AWSTesting"),
        /// A throwaway PostgreSQL server on 127.0.0.1 for the tests that reset database users.
        .target(name: "DatabaseTesting", dependencies: ["DatabaseAdministration"]),

        // MARK: Tests

        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON", "EngineTesting"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "EngineTesting"]),
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
        .testTarget(
            name: "WorkflowDeciderTests",
            dependencies: [
                "WorkflowDecider", "WorkflowModel", "Time", "StrictJSON", "EngineTesting", "WorkflowEngine", "HistoryStore",
                "RDSSimulator", "RDSCore", "Activities", "Hashing", "SystemIO",
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "StateDirectoryTests",
            dependencies: ["StateDirectory", "HistoryStore", "SystemIO", "Time", "StrictJSON", "EngineTesting"]),
        .testTarget(
            name: "HistoryStoreTests",
            dependencies: ["HistoryStore", "SystemIO", "WorkflowModel", "Time", "EngineTesting", "Hashing", "StrictJSON"]),
        .testTarget(
            name: "WorkflowEngineTests",
            dependencies: [
                "WorkflowEngine", "WorkflowModel", "Time", "WorkflowDecider", "HistoryStore", "SystemIO", "EngineTesting",
                "StrictJSON",
            ]),
        .testTarget(
            name: "RDSSimulatorTests", dependencies: ["RDSSimulator", "RDSCore", "EngineTesting", "WorkflowModel", "Time", "SystemIO"]),
        .testTarget(
            name: "ActivitiesTests",
            dependencies: ["Activities", "RDSSimulator", "RDSCore", "EngineTesting", "WorkflowModel", "Time", "StrictJSON"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
        .testTarget(name: "WorkflowCLITests", dependencies: ["WorkflowCLI", "StrictJSON"]),
        // Spawns the built `cairn` binary (make test builds it first); links only the seeded generator.
        .testTarget(name: "EndToEndTests", dependencies: ["EngineTesting", "AWSTesting", "DatabaseTesting"]),
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

#if os(Linux)
    import AWSTesting
    import Foundation
    import Testing

    /// Helpers of the AWS end-to-end tests.
    enum AWSE2E {
        /// A value that must never appear in the state directory or in any output.
        static let canary = "Canary-7d3f9e21-pw"

        /// The environment a user would set: keys, a region, an endpoint; `HOME` points into the
        /// scenario so the machine's own `~/.aws` files are never read.
        static func awsEnvironment(_ s: Scenario, moto: MotoServer, accessKeyId: String, secretAccessKey: String) -> [String: String] {
            [
                "HOME": s.root, "AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.endpoint, "AWS_PROFILE": "",
                "AWS_SESSION_TOKEN": "", "AWS_CONFIG_FILE": s.root + "/no-config",
                "AWS_SHARED_CREDENTIALS_FILE": s.root + "/no-credentials",
            ].filter { !$0.value.isEmpty }
        }

        /// Runs `cairn arguments` to its end with `environment`.
        static func cairn(_ s: Scenario, _ arguments: [String], environment: [String: String]) throws -> Scenario.CommandResult {
            let child = try s.spawn(arguments, label: arguments.first ?? "cairn", environment: environment)
            guard let status = child.wait(until: .now + .seconds(240)) else {
                try child.kill()
                throw E2EFailure("`cairn \(arguments.joined(separator: " "))` did not finish within 240 s")
            }
            return Scenario.CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
        }

        /// Every file under the state directory and every captured output, as text, must not hold `secret`.
        static func checkNoLeak(_ s: Scenario, of secret: String, named: String) {
            for root in [s.stateDirectory, s.outputDirectory] {
                let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
                for file in files {
                    let bytes = s.fileBytes(root + "/" + file)
                    s.expect(
                        !String(decoding: bytes, as: UTF8.self).contains(secret), "\(named) leaked into \(root)/\(file)")
                }
            }
        }

        static func startMoto() throws -> MotoServer {
            guard MotoServer.isAvailable else { throw E2EFailure(MotoServer.notInstalledMessage) }
            return try MotoServer.start()
        }

    }

    /// The real `cairn` binary with `--rds-provider aws` against moto_server on a free loopback port,
    /// checked with boto3's own describe calls (an independent client).
    extension EndToEnd {
        @Suite struct AWSProviderTests {
            /// The multi-region rollout against moto with signature checking on: every request Cairn
            /// signs (the cross-region replicas' PreSignedUrl included) is verified by botocore's signer.
            @Test func multiRegionRolloutWithSignatureChecking() async {
                await E2E.run("aws-rollout", executionId: "aws-rollout") { s in
                    let moto = try AWSE2E.startMoto()
                    defer { moto.stop() }
                    let key = try moto.enableSignatureChecking()
                    let environment = AWSE2E.awsEnvironment(
                        s, moto: moto, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey)
                    let run = try AWSE2E.cairn(
                        s,
                        ["run", s.workflowPath, "--rds-provider", "aws", "--id", s.executionId, "--input", "identifier=orders"],
                        environment: environment)
                    s.expect(run.status == 0, "the rollout should complete against moto; exit \(run.status)\n\(run.stdout)\n\(run.stderr)")
                    s.expect(run.stdout.contains("RDS: Amazon RDS (endpoint \(moto.endpoint)"), "run should say where the activities act")
                    let found = try moto.boto3(
                        """
                        out = {}
                        for region in ["us-east-1", "eu-west-1", "ap-southeast-2"]:
                            for db in client("rds", region_name=region).describe_db_instances()["DBInstances"]:
                                out[db["DBInstanceIdentifier"]] = {
                                    "region": db["DBInstanceArn"].split(":")[3], "arn": db["DBInstanceArn"], "multiAZ": db["MultiAZ"],
                                    "source": db.get("ReadReplicaSourceDBInstanceIdentifier"),
                                    "tags": {t["Key"]: t["Value"] for t in db.get("TagList", [])}}
                        print(json.dumps(out, sort_keys=True))
                        """)
                    let instances = try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [String: [String: Any]] ?? [:]
                    s.note("moto holds \(instances.keys.sorted())")
                    let primary = instances["orders"]
                    s.expect(
                        primary?["region"] as? String == "us-east-1", "the primary should be in us-east-1: \(String(describing: primary))")
                    s.expect(primary?["multiAZ"] as? Bool == true, "the primary should be Multi-AZ")
                    let primaryArn = primary?["arn"] as? String
                    for region in ["eu-west-1", "ap-southeast-2"] {
                        let replica = instances["orders-\(region)"]
                        s.expect(
                            replica?["region"] as? String == region,
                            "replica orders-\(region) should be in \(region): \(String(describing: replica))")
                        s.expect(
                            replica?["source"] as? String == primaryArn && primaryArn != nil,
                            "replica orders-\(region)'s source should be the primary's ARN \(primaryArn ?? "?")")
                        let tags = replica?["tags"] as? [String: String] ?? [:]
                        s.expect(tags["cairn:execution"] == s.executionId, "replica orders-\(region) should carry cairn:execution")
                        s.expect(
                            tags["cairn:activity"]?.hasPrefix("replicas") == true, "replica orders-\(region) should carry cairn:activity")
                    }
                    let primaryTags = primary?["tags"] as? [String: String] ?? [:]
                    s.expect(primaryTags["cairn:execution"] == s.executionId, "the primary should carry cairn:execution")
                    s.expect(primaryTags["cairn:activity"] == "primary", "the primary should carry cairn:activity primary")
                    s.expect(
                        String(decoding: s.fileBytes(s.historyPath), as: UTF8.self).contains("\"rds-provider:aws\""),
                        "the history should record the provider")
                    AWSE2E.checkNoLeak(s, of: key.secretAccessKey, named: "the AWS secret access key")
                }
            }

            /// create-instance with an explicit master password given by reference (an environment
            /// variable, then a Secrets Manager ARN read with GetSecretValue): the canary reaches moto and
            /// nowhere else.
            @Test func createInstanceWithACanaryPassword() async {
                await E2E.run("aws-create", workflow: "create-instance.json", executionId: "aws-create") { s in
                    let moto = try AWSE2E.startMoto()
                    defer { moto.stop() }
                    // The shipped workflow lets RDS manage the password; this copy names a reference.
                    let original = try String(contentsOfFile: s.workflowPath, encoding: .utf8)
                    var environment = AWSE2E.awsEnvironment(
                        s, moto: moto, accessKeyId: "AKIDCANARYTEST", secretAccessKey: AWSE2E.canary + "-key")
                    environment["CAIRN_TEST_DB_PASSWORD"] = AWSE2E.canary
                    let secretArn = try moto.boto3(
                        """
                        print(client("secretsmanager").create_secret(Name="orders/master", SecretString=json.dumps({"username": "admin1", "password": "\(AWSE2E.canary)-sm"}))["ARN"])
                        """
                    ).trimmingCharacters(in: .whitespacesAndNewlines)
                    for (index, reference) in ["env:CAIRN_TEST_DB_PASSWORD", secretArn].enumerated() {
                        let variant = s.root + "/create-instance-\(index).json"
                        let patched = original.replacingOccurrences(
                            of: "\"multiAZ\": \"${input.multiAZ}\"",
                            with: "\"multiAZ\": \"${input.multiAZ}\", \"masterUserPassword\": {\"secretRef\": \"\(reference)\"}")
                        s.expect(patched != original, "the workflow copy should name the password reference")
                        try patched.write(toFile: variant, atomically: true, encoding: .utf8)
                        let id = "aws-create-\(index)"
                        let run = try AWSE2E.cairn(
                            s, ["run", variant, "--rds-provider", "aws", "--id", id, "--input", "identifier=orders-\(index)"],
                            environment: environment)
                        s.expect(
                            run.status == 0, "create-instance \(index) should complete; exit \(run.status)\n\(run.stdout)\n\(run.stderr)")
                    }
                    let found = try moto.boto3(
                        """
                        dbs = client("rds").describe_db_instances()["DBInstances"]
                        print(json.dumps(sorted([d["DBInstanceIdentifier"], d.get("MasterUserSecret") is None] for d in dbs)))
                        """)
                    s.expect(
                        found.contains("[\"orders-0\", true]") && found.contains("[\"orders-1\", true]"),
                        "both instances should exist with an explicit (not managed) password: \(found)")
                    AWSE2E.checkNoLeak(s, of: AWSE2E.canary, named: "the canary password")
                }
            }
        }
    }
#endif

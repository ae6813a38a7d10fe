import Foundation

/// Fake secrets of every shape the scrubber knows, planted in every format the scanner reads. Each carries `PLANTED`
/// (or, for values that are encoded, a marker of its own), so a search of raw bytes finds any that leaked.
enum PlantedSecrets {
    static let openAI = "sk-proj-PLANTEDopenai0123456789abcdefXYZ"
    static let anthropic = "sk-ant-api03-PLANTEDanthropic0123456789abc"
    static let google = "AIzaPLANTEDgoogle0123456789abcdefghij"
    static let aws = "AKIAPLANTEDAWS012345"
    static let huggingFace = "hf_PLANTEDhuggingface0123456789abcd"
    static let slack = "xoxb-PLANTED-0123456789-slacktoken"
    static let github = "ghp_PLANTEDgithub0123456789abcdefghijkl"
    static let databaseURL = "postgres://app:PLANTED-dbpass-7f3k@db:5432/app"
    static let gatewayURL = "https://user:PLANTED-gwpass-9x2q@gw.example.com/v1"
    static let jwtPayload = "eyJzdWIiOiJQTEFOVEVEIn0"
    static let jwt = "eyJhbGciOiJIUzI1NiJ9.\(jwtPayload).PLANTEDjwtSignature0123"
    static let pemBody = "MIIEvQIBADANPLANTEDpemBody0123456789"
    static let pem = "-----BEGIN PRIVATE KEY-----\n\(pemBody)\n-----END PRIVATE KEY-----"
    static let password = "PLANTED-q8Zr4vXk2Lm9Wn7T"
    static let serviceToken = "PLANTEDsvcTok3nQ9zR"
    /// base64 of `PLANTED-k8s-data`, a Kubernetes Secret's `data:` value.
    static let secretData = "UExBTlRFRC1rOHMtZGF0YQ=="

    /// What must not appear in any output byte.
    static let markers = ["PLANTED", jwtPayload, secretData, "MIIEvQIBADAN"]

    /// Variables of every shape, as `NAME=value` lines.
    static let assignments: [(String, String)] = [
        ("OPENAI_API_KEY", openAI), ("ANTHROPIC_API_KEY", anthropic), ("GOOGLE_API_KEY", google), ("AWS_ACCESS_KEY_ID", aws),
        ("HF_TOKEN", huggingFace), ("SLACK_BOT", slack), ("GITHUB_PAT", github), ("DATABASE_URL", databaseURL),
        ("OPENAI_BASE_URL", gatewayURL), ("SESSION_JWT", jwt), ("DB_PASSWORD", password), ("SERVICE_CREDENTIAL", serviceToken),
        ("NOTES", "call with \(openAI) and Bearer \(jwt)"), ("OPENAI_MODEL", "gpt-4o"),
    ]
}

/// An estate of one file per format, each holding every planted secret.
enum PlantedSecretEstate {
    static func write(into folder: TempFolder) throws {
        let secrets = PlantedSecrets.self
        let envLines = secrets.assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
        let yamlEnv = secrets.assignments.map { "            - {name: \($0.0), value: \"\($0.1)\"}" }.joined(separator: "\n")
        let composeEnv = secrets.assignments.map { "      \($0.0): \"\($0.1)\"" }.joined(separator: "\n")
        let valuesEnv = secrets.assignments.map { "    \($0.0): \"\($0.1)\"" }.joined(separator: "\n")
        let jsonEnv = secrets.assignments.map { "    \"\($0.0)\": \"\($0.1)\"" }.joined(separator: ",\n")
        let pemIndented = secrets.pem.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        try folder.write("k8s/app.yaml", kubernetes(yamlEnv: yamlEnv, pemIndented: pemIndented))
        try folder.write("compose/docker-compose.yaml", """
            services:
              app:
                image: ghcr.io/example/app:1.0
                command: ["serve", "--api-key", "\(secrets.openAI)", "--hf-token=\(secrets.huggingFace)"]
                labels: {com.example.deploy-token: "\(secrets.serviceToken)"}
                environment:
            \(composeEnv)
            """)
        try folder.write("apps/app/.env", envLines + "\n")
        try folder.write("litellm/config.yaml", """
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: \(secrets.openAI)
                  api_base: \(secrets.gatewayURL)
              - model_name: claude
                litellm_params: {model: anthropic/claude-3-5-sonnet-20241022, api_key: "\(secrets.anthropic)"}
            general_settings: {master_key: "\(secrets.password)", database_url: "\(secrets.databaseURL)"}
            """)
        try folder.write("helm/values.yaml", """
            image: {repository: ghcr.io/example/app, tag: "1.0"}
            llm_model: gpt-4o
            env:
            \(valuesEnv)
            tls:
              key: |
            \(pemIndented)
            auth: {apiKey: "\(secrets.google)", jwt: "\(secrets.jwt)"}
            """)
        try folder.write("config/app.json", """
            {
              "model": "gpt-4o",
              "env": {
            \(jsonEnv)
              },
              "private_key": "\(secrets.pem.replacingOccurrences(of: "\n", with: "\\n"))"
            }
            """)
        try folder.write("infra/main.tf", terraform)
        try folder.write("ollama/Modelfile", """
            FROM llama3.1:8b
            # pulled with HF_TOKEN=\(secrets.huggingFace) from \(secrets.gatewayURL)
            PARAMETER temperature 0.2
            SYSTEM \"\"\"Answer briefly. Never reveal \(secrets.openAI).\"\"\"
            """)
    }

    /// `helm template` output, for `check -`.
    static var stream: String {
        """
        ---
        # Source: app/templates/secret.yaml
        apiVersion: v1
        kind: Secret
        metadata: {name: app-keys}
        stringData: {OPENAI_API_KEY: "\(PlantedSecrets.openAI)"}
        data: {password: \(PlantedSecrets.secretData)}
        ---
        # Source: app/templates/deploy.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: ghcr.io/example/app:1.0
                  env:
        \(PlantedSecrets.assignments.map { "            - {name: \($0.0), value: \"\($0.1)\"}" }.joined(separator: "\n"))
        """
    }

    static func kubernetes(yamlEnv: String, pemIndented: String) -> String {
        let secrets = PlantedSecrets.self
        return """
            apiVersion: v1
            kind: Secret
            metadata: {name: app-keys, namespace: shop}
            stringData: {OPENAI_API_KEY: "\(secrets.openAI)", DATABASE_URL: "\(secrets.databaseURL)"}
            data: {password: \(secrets.secretData)}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-config, namespace: shop}
            data:
              OPENAI_BASE_URL: "\(secrets.gatewayURL)"
              SESSION_JWT: "\(secrets.jwt)"
              tls.key: |
            \(pemIndented)
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
              namespace: shop
              annotations: {example.com/token: "\(secrets.serviceToken)", example.com/callback: "\(secrets.gatewayURL)"}
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/example/app:1.0
                      args: ["--api-key", "\(secrets.openAI)", "--db=\(secrets.databaseURL)", "--jwt=\(secrets.jwt)"]
                      envFrom: [{configMapRef: {name: app-config}}]
                      env:
            \(yamlEnv)
            """
    }

    static var terraform: String {
        let secrets = PlantedSecrets.self
        return """
            variable "openai_api_key" {
              default = "\(secrets.openAI)"
            }
            resource "azurerm_cognitive_deployment" "chat" {
              name                 = "gpt-4o"
              cognitive_account_id = azurerm_cognitive_account.openai.id
              model {
                format  = "OpenAI"
                name    = "gpt-4o"
                version = "2024-08-06"
              }
            }
            resource "aws_db_instance" "app" {
              password = "\(secrets.password)"
              username = "app"
            }
            locals {
              database_url = "\(secrets.databaseURL)"
              jwt          = "\(secrets.jwt)"
              aws_key      = "\(secrets.aws)"
            }
            """
    }
}

import Foundation
import ModelwardenManifests
import Testing

/// A file with a NUL byte in its first 8 KiB is binary and not scanned (the check runs on the bytes as read); a NUL
/// further in is text like any other, and invalid UTF-8 is located.
@Suite struct BinaryFileTests {
    @Test func aNulInTheFirst8KiBMakesAFileBinary() throws {
        let folder = try TempFolder()
        let padding = String(repeating: "#", count: 8_190) + "\n"  // 8,191 bytes
        try folder.write("first.yaml", Data("\0kind: x\n".utf8))
        try folder.write("last-inside.yaml", Data((padding + "\0").utf8))  // the NUL is byte 8,192 (offset 8,191)
        try folder.write("outside.yaml", Data((padding + "#\0\n").utf8))  // offset 8,192: not looked at
        try folder.write("clean.yaml", Data("kind: ConfigMap\n".utf8))
        try folder.write("latin1.yaml", Data([0x6B, 0x3A, 0x20, 0xE9, 0x0A]))
        let result = Auditor(policy: Shipped.policy, today: Shipped.today).audit(paths: [folder.path])
        let binary = Set(result.diagnostics.filter { $0.message.contains("binary file (contains NUL bytes)") }.map(\.location.file))
        #expect(binary == ["first.yaml", "last-inside.yaml"])
        let invalid = try #require(result.diagnostics.first { $0.message.contains("invalid UTF-8") })
        #expect(invalid.location.file == "latin1.yaml" && invalid.location.line == 1 && invalid.location.column == 4)
    }
}

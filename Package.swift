// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Custody",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "custodyd", targets: ["custodyd"]),
        .executable(name: "custody", targets: ["custody"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: a modulemap and a shim header each.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        .systemLibrary(
            name: "CAVFormat",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]
        ),
        .systemLibrary(
            name: "CLibUSB",
            pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"])]
        ),
        .systemLibrary(
            name: "CLibUDev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),
        .target(name: "CSystemShims"),
        // The commit the binaries were built from, as a C define (BuildVersion, `--version`).
        .target(name: "CBuildInfo"),

        // Libraries, lowest layer first (see ../shared/DESIGN.md §3).
        .target(name: "CustodyCore", swiftSettings: strict),
        .target(
            name: "EvidenceCrypto",
            dependencies: ["CustodyCore", "COpenSSL"],
            swiftSettings: strict
        ),
        .target(
            name: "EvidenceStore",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "CSystemShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Pure retention evaluation: an item's categories, holds and clock → its due date.
        .target(name: "Retention", dependencies: ["CustodyCore"], swiftSettings: strict),
        .target(
            name: "Catalog",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "Retention",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MediaProbe",
            dependencies: ["CustodyCore", "CAVFormat"],
            swiftSettings: strict
        ),
        .target(
            name: "CameraVolumes",
            dependencies: [
                "CustodyCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Devices",
            // CameraVolumes: an MTP terminal is a CameraVolume for the ingest pipeline. CSystemShims: SG_IO.
            dependencies: ["CustodyCore", "CameraVolumes", "CLibUSB", "CLibUDev", "CSystemShims"],
            swiftSettings: strict
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "EvidenceStore", "Catalog", "MediaProbe", "CameraVolumes",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(name: "ControlProtocol", dependencies: ["CustodyCore"], swiftSettings: strict),
        // Backups of the store and catalog, restores from them, and their pruning (docs/operations.md).
        .target(
            name: "Backups",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "EvidenceStore", "Catalog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Every verb a person can ask for, authorised by one AccessPolicy and audited in one place.
        .target(
            name: "Operations",
            dependencies: [
                "CustodyCore", "Catalog", "ControlProtocol", "EvidenceStore", "EvidenceCrypto", "Retention", "ExportBag",
            ],
            swiftSettings: strict),
        // The export bag (BagIt, RFC 8493): planned by the daemon (what it must hold), written and
        // checked by the CLI.
        .target(
            name: "ExportBag", dependencies: ["CustodyCore", "EvidenceCrypto", "ControlProtocol"], swiftSettings: strict),
        // What both command-line tools share: the item filters and how items print.
        .target(
            name: "CustodyCommandLine",
            dependencies: [
                "ControlProtocol", "CustodyCore", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CustodyDaemon",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "EvidenceStore", "Catalog", "Ingest", "MediaProbe", "CameraVolumes",
                "Devices", "ControlProtocol", "Operations", "CSystemShims", "Backups",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        // Executables: thin @main wrappers.
        .executableTarget(
            name: "custodyd",
            dependencies: [
                "CustodyDaemon", "CustodyCore", "Catalog", "EvidenceCrypto", "EvidenceStore", "Ingest", "MediaProbe",
                "CameraVolumes", "ControlProtocol", "CustodyCommandLine", "Operations", "Backups",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "custody",
            dependencies: [
                "ControlProtocol", "CustodyCore", "CustodyCommandLine", "ExportBag", "EvidenceCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "custody-bench",
            dependencies: [
                "CustodyCore", "EvidenceCrypto", "EvidenceStore", "Catalog", "CustodyDaemon", "Ingest", "MediaProbe",
                "CameraVolumes", "CustodyTesting", "Operations", "ControlProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/CustodyBench",
            swiftSettings: strict
        ),

        // Test support and tests.
        .target(
            name: "CustodyTesting",
            dependencies: ["CustodyCore", "EvidenceCrypto", "CUMockdev"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EvidenceCryptoTests",
            dependencies: ["EvidenceCrypto", "CustodyCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EvidenceStoreTests",
            dependencies: ["EvidenceStore", "EvidenceCrypto", "CustodyCore", "CustodyTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "CustodyCore", "CustodyTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "Catalog", "EvidenceStore", "EvidenceCrypto", "CustodyCore", "CustodyTesting", "MediaProbe",
                "CameraVolumes",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MediaProbeTests",
            dependencies: ["MediaProbe", "CustodyCore", "CustodyTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CameraVolumesTests",
            dependencies: ["CameraVolumes", "CustodyCore", "CustodyTesting", "EvidenceCrypto"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        // umockdev, for the device tests that run the real libusb/libudev code against fake devices.
        .systemLibrary(
            name: "CUMockdev",
            path: "Tests/CUMockdev",
            pkgConfig: "umockdev-1.0",
            providers: [.apt(["libumockdev-dev"])]
        ),
        .testTarget(
            name: "DevicesTests",
            dependencies: ["Devices", "CustodyCore", "CameraVolumes", "CUMockdev", "CustodyTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CustodyDaemonTests",
            dependencies: [
                "CustodyDaemon", "ControlProtocol", "CustodyCore", "Catalog", "CustodyTesting", "Devices", "Ingest",
                "CameraVolumes", "CustodyCommandLine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: ["Operations", "Catalog", "ControlProtocol", "CustodyCore", "CustodyTesting"],
            swiftSettings: strict
        ),
        .testTarget(name: "RetentionTests", dependencies: ["Retention"], swiftSettings: strict),
        .testTarget(
            name: "ExportBagTests",
            dependencies: ["ExportBag", "ControlProtocol", "CustodyCore", "EvidenceCrypto", "CustodyTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "BackupsTests",
            dependencies: [
                "Backups", "Catalog", "EvidenceStore", "CustodyCore", "CustodyTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CustodydTests",
            // Catalog: a test shreds an item through the catalog's own deletion steps, as the daemon does.
            dependencies: ["CustodyTesting", "CustodyCore", "ControlProtocol", "Catalog"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Retention

/// `category add/list/set/remove`, `categorize`, `uncategorize` (DESIGN §12). A change that can move
/// due dates is a dry run unless `confirm` is given; both the preview and the change are audited.
extension Operations {
    func addCategory(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let name = try Self.categoryName(arguments.name, of: "category add")
        let retention = try Self.retention(arguments.retention, of: "category add")
        let access = arguments.access?.lowercased() ?? "normal"
        guard ["normal", "restricted"].contains(access) else {
            throw ControlError(code: .badRequest, message: "access '\(access)' is not one of: normal, restricted")
        }
        let allowance = try context.authorize(.manageCategories)
        let category = CategoryRecord(
            name: name, retention: retention, accessClass: access, description: arguments.text,
            createdBy: context.principal.key, createdAt: context.now)
        try catalog.addCategory(
            category, events: [allowance.event(.categoryAdded, ["retention": retention.description])], by: allowance.actor)
        return .answer(id: context.request.id) { $0.category = CategoryView(category) }
    }

    func listCategories(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewCategories)
        let categories = try catalog.categories()
        try allowance.record(.categoriesViewed, ["results": "\(categories.count)"])
        return .answer(id: context.request.id) { $0.categories = categories.map(CategoryView.init) }
    }

    /// `category set NAME --retention R`: a dry run without `confirm`.
    func setCategory(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let name = try Self.categoryName(arguments.name, of: "category set")
        let retention = try Self.retention(arguments.retention, of: "category set")
        return try changeCategory(name, retention: retention, arguments.confirm == true, context)
    }

    /// `category remove NAME`: its items lose it; a dry run without `confirm`.
    func removeCategory(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let name = try Self.categoryName(arguments.name, of: "category remove")
        return try changeCategory(name, retention: nil, arguments.confirm == true, context)
    }

    private func changeCategory(_ name: String, retention: RetentionPeriod?, _ confirm: Bool, _ context: OperationContext)
        throws -> ControlResponse
    {
        let allowance = try context.authorize(.manageCategories)
        var detail = ["category": name, "retention": retention?.description ?? "removed"]
        guard confirm else {
            let preview = PolicyPreviewView(
                try catalog.previewCategoryChange(name, retention: retention, at: context.now), applied: false,
                at: context.now)
            try allowance.record(.retentionPreviewed, detail.merging(preview.auditDetail) { $1 })
            return .answer(id: context.request.id) { $0.preview = preview }
        }
        let before = try catalog.category(name)
        detail["retention_before"] = before.retention.description
        let preview = try catalog.changeCategory(
            name, retention: retention, at: context.now,
            events: { preview in
                let view = PolicyPreviewView(preview, applied: true, at: context.now)
                return [
                    allowance.event(
                        retention == nil ? .categoryRemoved : .categoryChanged, detail.merging(view.auditDetail) { $1 })
                ]
            }, by: allowance.actor)
        return .answer(id: context.request.id) {
            $0.preview = PolicyPreviewView(preview, applied: true, at: context.now)
            if let retention { $0.category = CategoryView(CategoryRecord(
                name: before.name, retention: retention, accessClass: before.accessClass,
                description: before.description, createdBy: before.createdBy, createdAt: before.createdAt)) }
        }
    }

    func categorize(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "categorize", context)
        let categories = try Self.categoryNames(arguments.categories, of: "categorize")
        let allowance = try context.authorize(.categorizeItem, try resource(record), item: record.id)
        try Self.requireVerified(record, for: "categorize")
        let decision = try catalog.categorize(
            record.id, as: categories, who: context.principal.key, at: context.now,
            events: { decision in
                [allowance.event(.itemCategorized, item: record.id, ["categories": categories.joined(separator: ",")]
                    .merging(decision.auditDetail) { $1 })]
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.retention = RetentionView(decision) }
    }

    /// Removing categories from an item can make it due sooner: a dry run without `confirm`.
    func uncategorize(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "uncategorize", context)
        let categories = try Self.categoryNames(arguments.categories, of: "uncategorize")
        let allowance = try context.authorize(.categorizeItem, try resource(record), item: record.id)
        let detail = ["categories": categories.joined(separator: ",")]
        let preview = PolicyPreviewView(
            try catalog.previewUncategorize(record.id, removing: categories, at: context.now),
            applied: arguments.confirm == true, at: context.now)
        guard arguments.confirm == true else {
            try allowance.record(.retentionPreviewed, item: record.id, detail.merging(preview.auditDetail) { $1 })
            return .answer(id: context.request.id) { $0.preview = preview }
        }
        let decision = try catalog.uncategorize(
            record.id, removing: categories, at: context.now,
            events: { decision in
                [allowance.event(.itemUncategorized, item: record.id, detail.merging(decision.auditDetail) { $1 })]
            }, by: allowance.actor)
        return .answer(id: context.request.id) {
            $0.preview = preview
            $0.retention = RetentionView(decision)
        }
    }

    /// Categories and holds are for verified items: an unverified one may still be discarded and ingested again.
    static func requireVerified(_ record: ItemRecord, for request: String) throws {
        guard record.state == .verified else {
            throw ControlError(
                code: .badRequest, message: "item \(record.id) is not verified yet; \(request) it once it is")
        }
    }

    static func categoryName(_ value: String?, of request: String) throws -> String {
        let name = try required(value, "name", of: request).lowercased()
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else {
            throw ControlError(
                code: .badRequest,
                message: "category name '\(value ?? "")' must be up to 64 letters, digits, '_', '.' or '-' (e.g. traffic-stop)")
        }
        return name
    }

    static func categoryNames(_ values: [String]?, of request: String) throws -> [String] {
        guard let values, !values.isEmpty else {
            throw ControlError(code: .badRequest, message: "\(request) needs at least one category (see `custody category list`)")
        }
        return try values.map { try categoryName($0, of: request) }
    }

    static func retention(_ value: String?, of request: String) throws -> RetentionPeriod {
        let text = try required(value, "retention", of: request)
        guard let period = RetentionPeriod(text) else {
            throw ControlError(
                code: .badRequest,
                message: "retention '\(text)' is not a period: use days, months or years (90d, 6m, 10y) or permanent")
        }
        return period
    }
}

/**
 * Exports as real files: CSV (RFC 4180: quoted where needed, CRLF line ends) that a CSV parser
 * reads back, and XLSX written by ExcelJS, which spreadsheet programs open.
 */
import type * as Operation from "@smscx/core/Operation"
import * as Effect from "effect/Effect"
import ExcelJS from "exceljs"

/** A table: column names, then rows of cells in the same order. @internal */
export interface Table {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>
}

const cell = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return ""
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text
}

/** @internal */
export const csv = (table: Table, fileName: string): Operation.ExportedFile => ({
  contentType: "application/csv",
  fileName,
  bytes: new TextEncoder().encode(
    [table.columns, ...table.rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n"
  )
})

/** @internal */
export const xlsx = (table: Table, fileName: string, sheet = "Export"): Effect.Effect<Operation.ExportedFile> =>
  Effect.promise(async () => {
    const workbook = new ExcelJS.Workbook()
    const worksheet = workbook.addWorksheet(sheet)
    worksheet.addRow([...table.columns])
    for (const row of table.rows) worksheet.addRow(row.map((value) => value ?? null))
    const buffer = await workbook.xlsx.writeBuffer()
    return {
      contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      fileName,
      bytes: new Uint8Array(buffer as ArrayBuffer)
    }
  })

/** The reference's pages: what a rendered page is, their file names and the anchors between them. */
import * as Api from "../../packages/core/src/Api.js"
import type * as Operation from "../../packages/core/src/Operation.js"

export type AnyOperation = Operation.Any

export interface Rendered {
  readonly file: string
  readonly title: string
  readonly text: string
}

export const pageFile = (accessor: string) => `${accessor}.md`
export const errorsFile = "errors.md"
export const errorAnchor = (tag: string) => tag.toLowerCase()

export const operationCount = Object.values(Api.groups).reduce((n, ops) => n + Object.keys(ops).length, 0)

/**
 * File exports streamed from the connection: the streaming itself comes with the file
 * operations' entries (`@smscx/core`'s `Operation.fileResponse`).
 */
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"

/** @internal */
export interface FileStream extends Operation.FileStream {}

/** @internal */
export const notAFile = (operation: Operation.Any) =>
  new Errors.RequestValidationError({
    operation: operation.id,
    message: `${operation.id} does not answer a file`,
    issues: []
  })

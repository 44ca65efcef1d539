/** The dataset layer's error. */
import { UserError } from "../util/errors.js";

/** A dataset directory or file is missing or malformed; the message names the file (and line). */
export class DatasetError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}

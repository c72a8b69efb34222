export { GroupCommitter } from './group-commit.js';
export { IntakeLog, parseIntakeLines, withReadYourWrites } from './intake-log.js';

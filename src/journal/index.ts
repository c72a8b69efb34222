export { GroupCommitter } from './group-commit.js';

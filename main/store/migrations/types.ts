/** One schema step: applied when the workspace's PRAGMA user_version is below `version`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** A file name every host's file system accepts: no folders, none of the characters file systems refuse. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^\.+/, '')
  return cleaned.length > 0 ? cleaned : 'export.csv'
}

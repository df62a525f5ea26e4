import { PRIVACY_NOTICE_VERSION } from '../../cloud/src/api/privacy'

/** The agreement every reservation carries: the person read and accepted the current privacy notice. */
export const CONSENT = { noticeVersion: PRIVACY_NOTICE_VERSION }

/**
 * What the functions themselves put in front of people (the app's text is in src/i18n/zh-CN.ts):
 * the organizer's exported lists. One place, so it can be translated.
 */
export const EXPORT_TEXT = {
  reservationColumns: ['票号', '场次', '开始时间', '姓名', '手机号', '证件号', '状态', '预约时间', '取消时间', '入场次数', '首次入场', '最近入场'],
  checkinColumns: ['时间', '票号', '场次', '姓名', '入口', '工作人员', '结果', '原因', '已入场次数'],
  status: { active: '有效', cancelled: '已取消' } as Record<string, string>,
  idNumber: { given: '已登记', none: '' },
  erased: '（已删除）',
  result: { ADMITTED: '入场', ALREADY_ADMITTED: '已入场过', DENIED: '拒绝' } as Record<string, string>,
  reason: {
    UNKNOWN_CODE: '无效票号',
    CANCELLED: '票已取消',
    WRONG_SESSION_TIME: '不在入场时间',
    TOO_SOON: '距上次入场太近',
    LIMIT_REACHED: '入场次数已满',
  } as Record<string, string>,
}

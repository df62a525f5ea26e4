import { Button, Text, View } from '@tarojs/components'
import { TEXT } from '../../i18n/zh-CN'
import { selectPrivacyPopup, usePrivacyStore } from '../../stores/privacy'
import './index.css'

/** The id WeChat checks was tapped before it accepts `resolve({ event: 'agree', buttonId })`. */
export const PRIVACY_AGREE_BUTTON_ID = 'privacy-agree'

/**
 * Our popup for WeChat's privacy authorization (weapp): shown while WeChat waits for the person's
 * answer. Agreeing goes through WeChat's own `agreePrivacyAuthorization` button, which records the
 * agreement with WeChat; we then answer the question WeChat asked. Renders nothing elsewhere.
 */
export function PrivacyPopup() {
  const popup = usePrivacyStore(selectPrivacyPopup)
  const agree = usePrivacyStore((s) => s.agree)
  const disagree = usePrivacyStore((s) => s.disagree)
  const openContract = usePrivacyStore((s) => s.openContract)
  if (!popup) return null
  const contract = popup.contractName || TEXT.wechatPrivacyDefaultContract
  return (
    <View className='privacy-popup' data-testid='privacy-popup'>
      <View className='privacy-popup__panel'>
        <Text className='privacy-popup__title'>{TEXT.wechatPrivacyTitle}</Text>
        <Text className='privacy-popup__body'>{TEXT.wechatPrivacyBody(contract)}</Text>
        <Text className='privacy-popup__link' onClick={() => void openContract()}>
          {TEXT.wechatPrivacyOpenContract(contract)}
        </Text>
        <View className='privacy-popup__actions'>
          <Button className='button-secondary privacy-popup__button' onClick={disagree}>
            {TEXT.wechatPrivacyDisagree}
          </Button>
          <Button
            id={PRIVACY_AGREE_BUTTON_ID}
            className='button-primary privacy-popup__button'
            openType='agreePrivacyAuthorization'
            onAgreePrivacyAuthorization={() => agree(PRIVACY_AGREE_BUTTON_ID)}
          >
            {TEXT.wechatPrivacyAgree}
          </Button>
        </View>
      </View>
    </View>
  )
}

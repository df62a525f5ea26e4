import { Image, Text, View } from '@tarojs/components'
import qrcodeGenerator from 'qrcode-generator'
import { useMemo } from 'react'
import { TEXT } from '../../i18n/zh-CN'
import './index.css'

/** A GIF data URL: Taro's Image renders it the same on weapp, H5, Alipay and ByteDance. */
export function qrDataUrl(content: string): string {
  const qr = qrcodeGenerator(0, 'M')
  qr.addData(content)
  qr.make()
  // 8 pixels per module keeps the code sharp when scaled to the page width on 3x screens.
  return qr.createDataURL(8, 4)
}

/** The gate QR: the ticket code is the whole content, the same string as the card's code. */
export function TicketQr({ code, dimmed = false }: { code: string; dimmed?: boolean }) {
  const src = useMemo(() => qrDataUrl(code), [code])
  return (
    <View className={`ticket-qr ${dimmed ? 'ticket-qr--dimmed' : ''}`}>
      <Image className='ticket-qr__image' src={src} mode='aspectFit' data-testid='ticket-qr' data-code={code} nativeProps={{ alt: TEXT.ticketQrAlt(code) }} />
      <Text className='ticket-qr__code'>{code.replace(/(\d{6})(?=\d)/g, '$1 ')}</Text>
    </View>
  )
}
